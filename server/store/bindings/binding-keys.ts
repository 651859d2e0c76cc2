/** Every Redis key the binding store uses. One AOR's keys share a hash tag. */
export function bindingKeys(prefix: string) {
  return {
    /** HASH contact → JSON Binding. */
    aor: (aor: string) => `${prefix}:{aor:${aor}}:bindings`,
    /** SET of `<aor>\n<contact>` reached over one flow (an index for removing a closed flow's bindings). */
    flow: (flowKey: string) => `${prefix}:flow:${flowKey}`,
    /** SET of `<aor>\n<contact>` over connections one instance holds (removed when it dies). */
    instance: (instanceId: string) => `${prefix}:instance:${instanceId}:bindings`,
  };
}
