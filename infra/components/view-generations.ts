import type * as cosmosdb from "@pulumi/azure-native/cosmosdb/index.js";
import * as pulumi from "@pulumi/pulumi";
import { cosmosContainer, type ContainerPlace } from "./event-store-database.js";
import { FIRST_GENERATION, generationRange, viewsContainerOf } from "../../functions/src/generations/view-generations.js";

export interface ViewGenerationsArgs extends ContainerPlace {
  /** The oldest live generation (`viewsRetireBelow`). */
  readonly oldest: number;
  /** The newest generation (`viewsGeneration`). */
  readonly newest: number;
  /**
   * Where generation 1's container lived before generations existed (the database component and
   * its name): aliased, an existing stack's `views` container is adopted as generation 1 instead
   * of being replaced.
   */
  readonly formerViews: { readonly parent: pulumi.Resource; readonly name: string };
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
        const container = cosmosContainer(`${name}-g${generation}`, viewsContainerOf(generation), args, {
          parent: this,
          // https://www.pulumi.com/docs/iac/concepts/resources/options/aliases/: the same
          // container under its former name and parent, so no replacement (and no lost views).
          aliases: generation === FIRST_GENERATION ? [{ name: args.formerViews.name, parent: args.formerViews.parent }] : [],
        });
        return [generation, container] as const;
      }),
    );
    this.registerOutputs({ generations: this.generations, containerNames: this.generations.map((g) => viewsContainerOf(g).id) });
  }
}
