import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Rules read resources the way Terraform will see them: the synthesized JSON of each stack, with
 * references as `${type.name.attr}` strings. Working on the JSON rather than on construct props
 * makes every rule apply to any resource, however it was created (our constructs, raw provider
 * classes, escape-hatch overrides).
 */
export interface ResourceView {
  readonly mode: "resource" | "data";
  /** Terraform type, e.g. `aws_ecs_service`. */
  readonly type: string;
  /** Logical ID, the key under the type in the JSON. */
  readonly name: string;
  /** `aws_ecs_service.Service` or `data.aws_iam_policy_document.Doc`. */
  readonly address: string;
  readonly stackName: string;
  readonly constructPath?: string;
  readonly construct?: IConstruct;
  readonly attrs: Readonly<Record<string, unknown>>;
}

export type Json = Record<string, unknown>;

export class StackView {
  private readonly resourcesByType = new Map<string, ResourceView[]>();
  private readonly dataByType = new Map<string, ResourceView[]>();
  private readonly byAddress = new Map<string, ResourceView>();
  readonly outputs: Readonly<Record<string, unknown>>;

  constructor(
    readonly name: string,
    json: Json,
    constructsByPath: ReadonlyMap<string, IConstruct> = new Map(),
  ) {
    for (const mode of ["resource", "data"] as const) {
      const blocks = (json[mode] ?? {}) as Record<string, Record<string, Json>>;
      for (const [type, byName] of Object.entries(blocks)) {
        for (const [logicalId, attrs] of Object.entries(byName)) {
          const path = ((attrs["//"] as Json | undefined)?.metadata as Json | undefined)?.path as string | undefined;
          const view: ResourceView = {
            mode,
            type,
            name: logicalId,
            address: mode === "data" ? `data.${type}.${logicalId}` : `${type}.${logicalId}`,
            stackName: name,
            constructPath: path,
            construct: path ? constructsByPath.get(path) : undefined,
            attrs,
          };
          const index = mode === "data" ? this.dataByType : this.resourcesByType;
          index.set(type, [...(index.get(type) ?? []), view]);
          this.byAddress.set(view.address, view);
        }
      }
    }
    const outputs: Record<string, unknown> = {};
    for (const [key, output] of Object.entries((json.output ?? {}) as Record<string, Json>)) outputs[key] = output.value;
    this.outputs = outputs;
  }

  /** @param resolve how the stack becomes JSON. @default - `stack.toTerraform()` */
  static fromStack(stack: TerraformStack, resolve: (stack: TerraformStack) => Json = (s) => s.toTerraform() as Json): StackView {
    const byPath = new Map<string, IConstruct>();
    for (const node of stack.node.findAll()) byPath.set(node.node.path, node);
    return new StackView(stack.node.id, resolve(stack), byPath);
  }

  resources(type: string): readonly ResourceView[] {
    return this.resourcesByType.get(type) ?? [];
  }

  dataSources(type: string): readonly ResourceView[] {
    return this.dataByType.get(type) ?? [];
  }

  resource(address: string): ResourceView | undefined {
    return this.byAddress.get(address);
  }
}

/** Where a reference points: the resource and the attribute read from it. */
export interface Target {
  readonly resource: ResourceView;
  readonly attribute: string;
}

// cdktf turns a cross-stack reference into an output of the producing stack, read here through a
// terraform_remote_state data source named after that stack.
const REMOTE = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-(.+)\.outputs\.([^.[}]+)\}$/;
const REFERENCE = /^\$\{(data\.)?([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.([A-Za-z0-9_]+)(?:\[[^\]]*\])?\}$/;

export class AppView {
  private readonly stacks = new Map<string, TerraformStack>();
  private readonly views = new Map<string, StackView>();
  private readonly memos = new Map<string, unknown>();

  /** @param resolve how each stack becomes JSON. @default - `stack.toTerraform()` */
  constructor(
    scope: IConstruct,
    private readonly resolve?: (stack: TerraformStack) => Json,
  ) {
    for (const node of scope.node.root.node.findAll()) {
      if (TerraformStack.isStack(node)) this.stacks.set(node.node.id, node);
    }
  }

  stack(name: string): StackView | undefined {
    let view = this.views.get(name);
    if (!view) {
      const stack = this.stacks.get(name);
      if (!stack) return undefined;
      view = StackView.fromStack(stack, this.resolve);
      this.views.set(name, view);
    }
    return view;
  }

  stackNames(): readonly string[] {
    return [...this.stacks.keys()];
  }

  /** Computes an app-wide fact once per synth, however many stacks ask for it. */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  /** The resource a `${...}` reference reads, following cross-stack outputs; undefined for literals. */
  follow(value: unknown, fromStack: string, depth = 0): Target | undefined {
    if (typeof value !== "string" || depth > 5) return undefined;
    const remote = REMOTE.exec(value);
    if (remote) {
      const producer = this.stack(remote[1] as string);
      return producer ? this.follow(producer.outputs[remote[2] as string], producer.name, depth + 1) : undefined;
    }
    const ref = REFERENCE.exec(value);
    if (!ref) return undefined;
    const address = `${ref[1] ?? ""}${ref[2]}.${ref[3]}`;
    const resource = this.stack(fromStack)?.resource(address);
    return resource ? { resource, attribute: ref[4] as string } : undefined;
  }
}
