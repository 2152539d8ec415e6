import { type IndexEntry, isErased, isSealedBlob, type PersonalData, type ReindexSource, type SealedBlob, Sealer } from '@app/crypto-shredding';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { columnContext } from './customer-list.read-model';

type Row = { customer_id: string; campaign_id: string; controller_id: string; seq: string; personal: SealedBlob; reference: SealedBlob };

/**
 * The blind index's re-index source for a keyring rotation: every customer of the customer list
 * (archived ones too: they stay findable), batch by batch in enrollment order, its sealed columns
 * opened through the key cache. An identifier goes with the key that seals it (e-mail and phone:
 * content key; customerRef: reference key, the blobs' `kid`); a destroyed key yields nothing, so
 * anonymized customers are not indexed again (BlindIndex.put with `replace` re-checks each key).
 */
@Injectable()
export class CustomerIdentifiersReindexSource implements ReindexSource {
  constructor(
    @Inject(Sealer) private readonly sealer: Sealer,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async *liveIdentifiers(batchSize: number): AsyncIterable<IndexEntry[]> {
    let after: string | null = null;
    for (;;) {
      const rows: Row[] = await this.dataSource.query(
        `SELECT customer_id, campaign_id, controller_id, seq::text AS seq, personal, reference FROM app.customers
          WHERE ($1::bigint IS NULL OR seq > $1::bigint) ORDER BY app.customers.seq LIMIT $2`,
        [after, batchSize],
      );
      if (rows.length === 0) return;
      after = rows.at(-1)!.seq;
      const entries = await this.entriesOf(rows);
      if (entries.length > 0) yield entries;
    }
  }

  private async entriesOf(rows: Row[]): Promise<IndexEntry[]> {
    const requests = rows.flatMap((row) => [
      ...(isSealedBlob(row.personal) ? [{ sealed: row.personal, context: columnContext(row.customer_id, 'personal') }] : []),
      ...(isSealedBlob(row.reference) ? [{ sealed: row.reference, context: columnContext(row.customer_id, 'reference') }] : []),
    ]);
    const opened = await this.sealer.openMany(requests);
    const entries: IndexEntry[] = [];
    let next = 0;
    for (const row of rows) {
      const base = { customerId: row.customer_id, campaignId: row.campaign_id, controllerId: row.controller_id };
      const personal = isSealedBlob(row.personal) ? opened[next++] : null;
      const reference = isSealedBlob(row.reference) ? opened[next++] : null;
      if (personal && !isErased(personal)) {
        const { email, phone } = personal as PersonalData & { email?: string; phone?: string };
        if (typeof email === 'string') entries.push({ ...base, keyId: row.personal.kid, kind: 'email', value: email });
        if (typeof phone === 'string') entries.push({ ...base, keyId: row.personal.kid, kind: 'phone', value: phone });
      }
      if (reference && !isErased(reference)) {
        entries.push({ ...base, keyId: row.reference.kid, kind: 'customer_ref', value: String((reference as PersonalData).customerRef) });
      }
    }
    return entries;
  }
}
