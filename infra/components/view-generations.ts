import type * as cosmosdb from "@pulumi/azure-native/cosmosdb/index.js";
import * as pulumi from "@pulumi/pulumi";
import { cosmosContainer, type ContainerPlace } from "./event-store-database.js";
import { generationRange, viewsContainerOf } from "../../functions/src/generations/view-generations.js";

export interface ViewGenerationsArgs extends ContainerPlace {
  /** The oldest live generation (`viewsRetireBelow`). */
  readonly oldest: number;
  /** The newest generation (`viewsGeneration`). */
  readonly newest: number;
}

/**
 * The views containers, one per live generation, all from the views container definition. Raising
 * `viewsGeneration` adds a container beside the others; raising `viewsRetireBelow` removes the
 * old ones, and Pulumi deletes resources that left the program only after it has created and
 * updated the rest (pulumi/pulumi#9979), so the app settings have already moved on.
 */
export class ViewGenerations extends pulumi.ComponentResource {
  readonly containers: ReadonlyMap<number, cosmosdb.SqlResourceSqlContainer>;
  /** `VIEWS_GENERATIONS` for the Function App: the live generations, oldest first. */
  readonly appSetting: string;
  readonly generations: readonly number[];

  constructor(name: string, args: ViewGenerationsArgs, options: pulumi.ComponentResourceOptions = {}) {
    super("eventsourcing:azure:ViewGenerations", name, {}, options);
    this.generations = generationRange(args.oldest, args.newest);
    this.appSetting = this.generations.join(",");
    this.containers = new Map(
      this.generations.map((generation) => {
        // No alias to the `views` container of stacks from before the bounded view model: its
        // partition key differs, and its leases (`views-`) stand at the end of the feed, so an
        // adopted, replaced container would never be refilled. Pulumi deletes it once the app
        // settings point at `views-g1` (docs/adr/0011).
        const container = cosmosContainer(`${name}-g${generation}`, viewsContainerOf(generation), args, { parent: this });
        return [generation, container] as const;
      }),
    );
    this.registerOutputs({ generations: this.generations, containerNames: this.generations.map((g) => viewsContainerOf(g).id) });
  }
}
