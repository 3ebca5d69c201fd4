import { CloudwatchQueryDefinition } from "@cdktf/provider-aws/lib/cloudwatch-query-definition";
import { LOG_QUERIES, type LogQuery } from "@bun-fargate/config/log-queries";
import { Construct } from "constructs";
import { pascal } from "./names";

export interface SavedQueriesProps {
  /** Folder the queries are saved in, e.g. `shop/prod` (the console shows `/` as folders). */
  readonly folder: string;
  /** Every service's log group name: each query runs over all of them. */
  readonly logGroupNames: readonly string[];
  /** @default LOG_QUERIES (packages/config/src/log-queries.ts) */
  readonly queries?: readonly LogQuery[];
}

/** The environment's saved Logs Insights queries, one per entry of LOG_QUERIES. */
export class SavedQueries extends Construct {
  public readonly definitions: ReadonlyMap<string, CloudwatchQueryDefinition>;
  readonly #folder: string;

  constructor(scope: Construct, id: string, props: SavedQueriesProps) {
    super(scope, id);
    if (props.logGroupNames.length === 0) throw new Error(`SavedQueries "${props.folder}": no log groups to query`);
    const definitions = new Map<string, CloudwatchQueryDefinition>();
    for (const q of props.queries ?? Object.values(LOG_QUERIES)) {
      definitions.set(q.name, new CloudwatchQueryDefinition(this, pascal(q.name), { name: `${props.folder}/${q.name}`, logGroupNames: [...props.logGroupNames], queryString: q.query }));
    }
    this.definitions = definitions;
    this.#folder = props.folder;
  }

  /** The saved query's full name, as the console and `pnpm logs` find it. */
  public nameOf(query: string): string {
    if (!this.definitions.has(query)) throw new Error(`SavedQueries: no query "${query}"; have ${[...this.definitions.keys()].join(", ")}`);
    return `${this.#folder}/${query}`;
  }
}
