import { util } from '@aws-appsync/utils';

export function request(ctx) {
  return { operation: 'Scan', limit: 20 };
}

export function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result.items;
}
