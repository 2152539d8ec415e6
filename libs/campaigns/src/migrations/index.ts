import { CampaignReadModels1764460900000 } from './1764460900000-campaign-read-models.migration';
import { CustomerArchiveAndLegalHold1764460950000 } from './1764460950000-customer-archive-and-legal-hold.migration';

export const campaignsMigrations = [CampaignReadModels1764460900000, CustomerArchiveAndLegalHold1764460950000];
