// Module resolution hooks (run on Node's hooks thread), registered by register.mjs.
let snippet = '';
let stand = '';

export function initialize(data) {
  snippet = data.snippet;
  stand = data.stand;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (context.parentURL !== snippet || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    try {
      return await nextResolve(specifier, { ...context, parentURL: stand });
    } catch {
      throw error; // report the original failure, not the retry's
    }
  }
}
