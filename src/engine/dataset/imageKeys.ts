import type { ImageKey } from '../contract/datasetRecord';
import type { DatasetListing } from './imageFolder';
import { shardOf, WHOLE_DATASET, type Shard } from './shard';

/** The listed images of one shard, each with its class and the model class index it is scored against. */
export function imageKeys(listing: Pick<DatasetListing, 'images'>, classes: readonly { readonly name: string; readonly label: number }[], shard: Shard = WHOLE_DATASET): ImageKey[] {
  const labelOf = new Map(classes.map((c) => [c.name, c.label]));
  return listing.images
    .filter((image) => shard.count === 1 || shardOf(image.path, shard.count) === shard.index)
    .map(({ path, className }) => ({ path, className, label: className === null ? null : labelOf.get(className)! }));
}
