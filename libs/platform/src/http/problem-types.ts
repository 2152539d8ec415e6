/**
 * Every problem type the API answers with, in one place. The code that throws a problem names a
 * key of this catalogue (ProblemException and the campaigns domain's DomainError accept nothing
 * else), the OpenAPI document lists each route's types from it, and docs/api.md is written from
 * that document. On the wire `type` is `urn:campaign-ledger:problem:<key>`; the title is the same
 * for every occurrence of a type (RFC 9457).
 *
 * A pure module (no imports): domain code may refer to its types.
 */

export interface ProblemTypeSpec {
  status: number;
  title: string;
  /** When it is answered, for the OpenAPI document and docs/api.md. */
  meaning: string;
  /** An example `detail`, as the code words it. */
  detail: string;
  /** Answered by any request rather than by particular routes (documented once, not per route). */
  general?: boolean;
}

export const PROBLEM_TYPES = {
  validation: {
    status: 400,
    title: 'Validation failed',
    meaning: 'A body property, path id, query parameter or header breaks a rule, or the body has a property the route does not take. `errors` names each field (`customers[3].email`) once, with the first rule it broke.',
    detail: 'The request is not valid; see errors.',
  },
  'malformed-request': {
    status: 400,
    title: 'Bad Request',
    meaning: 'The body is not valid JSON, or the path is not validly percent-encoded.',
    detail: 'The request body is not valid JSON.',
  },
  'mixed-currencies': {
    status: 400,
    title: 'Mixed currencies',
    meaning: 'The sales within the filters are in several currencies, and the route compares amounts: name one with `currency=` or narrow the filters with `campaignId=`.',
    detail: 'The sales in these filters are in several currencies; name one with currency= or narrow them with campaignId=.',
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    meaning: 'No bearer token, or one that is expired, wrongly signed, malformed or lacks a required claim.',
    detail: 'A bearer token is required.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    meaning: "The token has none of the route's roles, a `controllerId` in the body is outside the token's controllers, a seller token writes an interaction under another `sellerId` (or has no `sellerId` claim), or a token limited to some controllers asks to erase a seller (staff of the agency, not of a controller: it takes `controllers: [\"*\"]`).",
    detail: 'This route needs one of the roles: service, admin.',
  },
  'route-not-found': {
    status: 404,
    title: 'Not Found',
    meaning: 'No route has this method and path.',
    detail: 'No such resource or route.',
    general: true,
  },
  'unknown-campaign': {
    status: 404,
    title: 'Not Found',
    meaning: "No campaign has this id among the token's controllers. An id outside them gets the very same answer, so ids cannot be probed.",
    detail: 'no such campaign',
  },
  'unknown-customer': {
    status: 404,
    title: 'Not Found',
    meaning: "No customer has this id among the token's controllers. An id outside them gets the very same answer, so ids cannot be probed.",
    detail: 'no such customer',
  },
  'unknown-seller-id': {
    status: 404,
    title: 'Not Found',
    meaning: 'No seller has this id (sellers are registered with `PUT /v1/sellers/{id}`).',
    detail: 'no such seller',
  },
  'unknown-certificate': {
    status: 404,
    title: 'Not Found',
    meaning: "No certificate has this id among the token's controllers. An id outside them gets the very same answer.",
    detail: 'no such certificate',
  },
  'unknown-rotation': {
    status: 404,
    title: 'Not Found',
    meaning: 'No keyring rotation has this id.',
    detail: 'no such keyring rotation',
  },
  'rotation-in-progress': {
    status: 409,
    title: 'Rotation in progress',
    meaning: 'A keyring rotation is running (here or on another instance); `rotationId` names it. Poll it with GET /v1/compliance/keyring/rotations/:id and start the next one when it is done.',
    detail: 'a keyring rotation is already running',
  },
  'controller-exists': {
    status: 409,
    title: 'Conflict',
    meaning: 'A controller with this id is already registered.',
    detail: 'controller telco-no is already registered',
  },
  'campaign-exists': {
    status: 409,
    title: 'Conflict',
    meaning: 'The generated campaign id is already taken (a safeguard: ids are random UUIDs).',
    detail: 'the campaign already exists',
  },
  'campaign-closed': {
    status: 409,
    title: 'Conflict',
    meaning: 'The campaign is closed: it takes no enrollment, interactions or changes of customer details, and is not closed twice.',
    detail: 'the campaign is closed',
  },
  'duplicate-customer-ref': {
    status: 409,
    title: 'Conflict',
    meaning: "A customerRef repeats within the batch or is already enrolled among the campaign's non-anonymized customers. Nothing of the batch is written.",
    detail: 'customers[2].customerRef is already enrolled in this campaign',
  },
  'concurrent-write': {
    status: 409,
    title: 'Concurrent write',
    meaning: 'Other writes to the same customer or campaign won every retry; repeat the request (with the same Idempotency-Key).',
    detail: 'The resource changed concurrently; retry the request.',
  },
  'customer-archived': {
    status: 409,
    title: 'Conflict',
    meaning: 'The customer is archived: it takes no interactions until it is unarchived (it stays readable and can be anonymized).',
    detail: 'the customer is archived: it takes no interactions until it is unarchived',
  },
  'no-legal-hold': {
    status: 409,
    title: 'Conflict',
    meaning: 'There is no legal hold to release on this campaign or customer.',
    detail: 'the campaign has no legal hold to release',
  },
  'already-anonymized': {
    status: 409,
    title: 'Conflict',
    meaning: 'This anonymization was already done: a mode applied before, or standard after full. Standard then full is the only repeat allowed.',
    detail: "the campaign's full anonymization is already recorded",
  },
  'confirm-mismatch': {
    status: 422,
    title: 'Unprocessable Content',
    meaning: '`confirm` is not the name of the campaign to anonymize (typed confirmation of an irreversible command). Nothing was changed.',
    detail: 'confirm must equal the campaign name',
  },
  'customer-not-in-campaign': {
    status: 422,
    title: 'Unprocessable Content',
    meaning: 'A customer id in the body names no customer of this campaign; the field names its index.',
    detail: 'customerIds[2] names no customer of this campaign',
  },
  'legal-hold': {
    status: 423,
    title: 'Locked',
    meaning: 'The campaign or customer is under a legal hold: it cannot be anonymized until the hold is released. `reasonCode` names the hold\'s ground.',
    detail: 'the campaign is under a legal hold (legal-obligation)',
  },
  'campaign-anonymized': {
    status: 410,
    title: 'Gone',
    meaning: 'The campaign has been anonymized: it takes no more writes.',
    detail: 'The campaign has been anonymized.',
  },
  'customer-anonymized': {
    status: 410,
    title: 'Gone',
    meaning: 'The customer has been anonymized: it takes no more writes.',
    detail: 'The customer has been anonymized.',
  },
  'seller-erased': {
    status: 410,
    title: 'Gone',
    meaning: 'The seller was erased: its id takes no new name.',
    detail: 'the seller was erased',
  },
  'content-too-large': {
    status: 413,
    title: 'Content Too Large',
    meaning: 'The body is larger than 25 MB.',
    detail: 'The request body is too large.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported Media Type',
    meaning: "A body was sent with a Content-Type the route does not take (or none), or in an encoding or charset that is not supported. The answer's `Accept` header and `accepted` member list the types the route takes.",
    detail: 'This route takes a body of type application/json; send it with that Content-Type.',
  },
  'unsupported-charset': {
    status: 415,
    title: 'Unsupported Media Type',
    meaning: 'A `text/csv` body names a charset other than utf-8, windows-1252 or iso-8859-1.',
    detail: 'The CSV charset is not supported: send text/csv with charset utf-8 (the default), windows-1252 or iso-8859-1.',
  },
  'unknown-controller': {
    status: 422,
    title: 'Unprocessable Content',
    meaning: '`controllerId` names no registered controller.',
    detail: 'controllerId names no registered controller',
  },
  'unknown-seller': {
    status: 422,
    title: 'Unprocessable Content',
    meaning: '`sellerId` names no registered seller (register it with `PUT /v1/sellers/{id}`).',
    detail: 'sellerId names no registered seller',
  },
  'unknown-sku': {
    status: 422,
    title: 'Unprocessable Content',
    meaning: '`sku` is not a product of the campaign.',
    detail: 'sku is not a product of the campaign',
  },
  'unknown-response-code': {
    status: 422,
    title: 'Unprocessable Content',
    meaning: "`code` is not one of the campaign's response codes (a campaign without a list takes any code matching `^[a-z0-9][a-z0-9-]{0,39}$`).",
    detail: "code is not one of the campaign's response codes",
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency key reused',
    meaning: 'The same caller used this Idempotency-Key on this route with a different body.',
    detail: 'This Idempotency-Key was used with a different request body.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal Server Error',
    meaning: 'The server failed. The error is logged; the answer says nothing more.',
    detail: 'The server failed to handle the request; it has been logged.',
    general: true,
  },
  'read-model-behind': {
    status: 503,
    title: 'Service Unavailable',
    meaning: '`waitFor` names a position the read model has not reached within 5 s; retry after `Retry-After` seconds.',
    detail: 'The read model has not reached that position yet; retry later.',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service Unavailable',
    meaning: 'A dependency of the service (the database) does not answer.',
    detail: 'A dependency of the service does not answer.',
  },
} as const satisfies Record<string, ProblemTypeSpec>;

export type ProblemTypeCatalogue = typeof PROBLEM_TYPES;
/** A key of the catalogue: the only kind of problem type the code may answer with. */
export type ProblemSlug = keyof ProblemTypeCatalogue;
/** The slugs of one status, e.g. `ProblemSlugOfStatus<404>`. */
export type ProblemSlugOfStatus<Status extends number> = { [S in ProblemSlug]: ProblemTypeCatalogue[S]['status'] extends Status ? S : never }[ProblemSlug];

export const PROBLEM_TYPE_BASE = 'urn:campaign-ledger:problem:';
export const problemType = (slug: ProblemSlug) => `${PROBLEM_TYPE_BASE}${slug}`;

export const PROBLEM_SLUGS = Object.keys(PROBLEM_TYPES) as ProblemSlug[];
export const isProblemSlug = (value: string): value is ProblemSlug => Object.hasOwn(PROBLEM_TYPES, value);
