import { AnnotationMetadataEntryType, TerraformStack, type App, type IStackSynthesizer } from "cdktf";

/** Every error annotation of every stack, after a synth that kept going past the first stack with one. */
export class AnnotationErrors extends Error {
  constructor(readonly stacks: readonly string[], readonly messages: readonly string[]) {
    super(`${messages.length} error(s) in ${stacks.length} stack(s): ${stacks.join(", ")}`);
    this.name = "AnnotationErrors";
  }
}

const hasErrors = (stack: TerraformStack) => stack.node.findAll().some((n) => n.node.metadata.some((m) => m.type === AnnotationMetadataEntryType.ERROR));

/**
 * `app.synth()`, except that a stack with error annotations (policy findings, construct
 * validations) no longer stops the stacks after it: each such stack is left unwritten, the rest are
 * checked and written, and then every error of every stack is thrown at once. cdktf's own synth
 * throws at the first such stack, which shows 99 faulty services as one.
 */
export function synthEveryStack(app: App): void {
  const failed: TerraformStack[] = [];
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
    const inner: IStackSynthesizer = stack.synthesizer;
    stack.synthesizer = {
      synthesize(session) {
        try {
          inner.synthesize(session);
        } catch (err) {
          if (!hasErrors(stack)) throw err;
          failed.push(stack);
        }
      },
    };
  }
  app.synth();
  if (failed.length === 0) return;
  const messages = failed.flatMap((stack) =>
    stack.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR).map((m) => `[${n.node.path}] ${String(m.data)}`)),
  );
  throw new AnnotationErrors(failed.map((s) => s.node.id), messages);
}
