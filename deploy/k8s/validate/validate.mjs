// Validates every object of a rendered manifest (YAML on stdin, e.g. `kubectl kustomize ...`)
// against the Kubernetes API schema with kubernetes-models' validate(): required fields, types,
// formats and enums. Prints "ok KIND/NAME" per object, or "invalid KIND/NAME: why" and exits 1.
// Unknown fields are not caught here (the schemas allow them); the .NET test's strict
// KubernetesYaml load rejects those.
import { parseAllDocuments } from "yaml";

const input = await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8").on("data", (chunk) => (text += chunk)).on("end", () => resolve(text));
});

let failed = false;
for (const document of parseAllDocuments(input)) {
  const object = document.toJS();
  if (!object) continue;
  const { apiVersion, kind } = object;
  const name = `${kind}/${object.metadata?.name}`;
  try {
    const models = await import(`kubernetes-models/${apiVersion}`);
    const Model = models[kind];
    if (!Model) throw new Error(`no model for ${apiVersion} ${kind}`);
    new Model(object).validate();
    console.log(`ok ${name}`);
  } catch (error) {
    failed = true;
    console.log(`invalid ${name}: ${error.message}`.replaceAll("\n", " "));
  }
}
process.exit(failed ? 1 : 0);
