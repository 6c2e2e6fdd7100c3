/** Metadata key of the role a route needs (set by RequireRole, read by ApiKeyGuard). */
export const REQUIRED_ROLE = 'lengow-sync:required-role';
