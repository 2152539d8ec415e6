import { ALL_CONTROLLERS } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RegisteredRequest, RequestStatus } from '../domain/data-subject-request';
import type { ReasonCode } from '../domain/reason-codes';

export interface RequestQuery {
  /** The token's controllers (`*` for all): the register shows only theirs. */
  controllers: readonly string[];
  controllerId?: string;
  status?: RequestStatus;
  limit?: number;
}

interface RequestRow {
  request_id: string;
  kind: RegisteredRequest['kind'];
  controller_id: string;
  received_at: Date;
  due_at: Date;
  completed_at: Date | null;
  status: RequestStatus;
  reason_code: ReasonCode | null;
  reference: string | null;
}

const view = (row: RequestRow): RegisteredRequest => ({
  requestId: row.request_id,
  kind: row.kind,
  controllerId: row.controller_id,
  receivedAt: row.received_at.toISOString(),
  dueAt: row.due_at.toISOString(),
  completedAt: row.completed_at?.toISOString() ?? null,
  status: row.status,
  reasonCode: row.reason_code,
  reference: row.reference,
});

/**
 * The register of erasure and access requests (`compliance.requests`), Art. 12(3): each request
 * with its receipt, due date and completion. Written in the request's own transaction, so a
 * request is registered exactly when its answer commits. The identifiers matched on are never kept.
 */
@Injectable()
export class RequestRegister {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async record(tx: EntityManager, request: RegisteredRequest & { requestedBy: string }): Promise<void> {
    await tx.query(
      `INSERT INTO compliance.requests (request_id, kind, controller_id, received_at, due_at, completed_at, status, reason_code, reference, requested_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        request.requestId,
        request.kind,
        request.controllerId,
        request.receivedAt,
        request.dueAt,
        request.completedAt,
        request.status,
        request.reasonCode,
        request.reference,
        request.requestedBy,
      ],
    );
  }

  /** Requests ascending by receipt, among the token's controllers. */
  async list(query: RequestQuery): Promise<RegisteredRequest[]> {
    const all = query.controllers.includes(ALL_CONTROLLERS);
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT request_id, kind, controller_id, received_at, due_at, completed_at, status, reason_code, reference
         FROM compliance.requests
        WHERE ($1::boolean OR controller_id = ANY($2::text[]))
          AND ($3::text IS NULL OR controller_id = $3)
          AND ($4::text IS NULL OR status = $4)
        ORDER BY received_at, request_id
        LIMIT $5`,
      [all, all ? [] : [...query.controllers], query.controllerId ?? null, query.status ?? null, query.limit ?? 1000],
    );
    return rows.map(view);
  }
}
