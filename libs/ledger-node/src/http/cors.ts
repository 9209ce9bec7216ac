import { Header } from '@nestjs/common';

/**
 * Lets a browser page from any origin read a GET route (the console's receipt check and
 * explorer). Only for read-only routes of public-layer data: entries, proofs, checkpoints,
 * keys. A simple GET needs no preflight, so no OPTIONS route is added.
 */
export const PublicRead = (): MethodDecorator => Header('Access-Control-Allow-Origin', '*');
