import { ApiProblems, CurrentPrincipal, type Principal, ProblemException, Roles } from '@app/platform';
import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { KeyringRotations } from '../keyring/keyring-rotations';

const rotationId = '3f9c2a71-6b0e-4d2f-9a8c-5e1b7d4c0f92';

@ApiTags('compliance')
@ApiBearerAuth()
@ApiProblems('unauthorized', 'forbidden')
@Controller('v1/compliance/keyring/rotations')
export class KeyringRotationsController {
  constructor(@Inject(KeyringRotations) private readonly rotations: KeyringRotations) {}

  @Post()
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({
    summary: 'Rotate the keyring: a new KEK and index key, every live key re-wrapped, the blind index rebuilt, the old versions retired',
    description:
      'Answers at once; the rotation runs in the background on this instance (poll GET /v1/compliance/keyring/rotations/:id until `phase` is `done`). ' +
      'Phases: add, activate, rewrap, reindex, verify, retire, done; each is resumable. A rotation left unfinished by a crash or a failure is resumed by the next POST, ' +
      'which answers 202 with its id. When it finishes, `keyring.rotated` is audited and certificates whose KEK versions are all retired get their irrecoverability attestation.',
  })
  @ApiAcceptedResponse({ schema: { example: { rotationId } } })
  @ApiProblems(['rotation-in-progress', { rotationId }])
  async start(@CurrentPrincipal() principal: Principal) {
    const { rotationId: id } = await this.rotations.start(principal.subject);
    return { rotationId: id };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: "A keyring rotation's progress" })
  @ApiOkResponse({ schema: { example: { rotationId, phase: 'rewrap', kekVersion: 3, keysRewrapped: 45_000, keysTotal: 200_000, retiredVersions: [] } } })
  @ApiProblems('unknown-rotation')
  async get(@Param('id') id: string) {
    const status = await this.rotations.status(id);
    if (!status) throw new ProblemException('unknown-rotation', 'no such keyring rotation');
    return status;
  }
}
