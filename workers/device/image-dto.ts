/** Converts memory images to and from their plain-data form for postMessage. */
import { MemoryImage } from '../../src/core/memory/memory-image';
import { SparseData } from '../../src/core/memory/sparse-data';
import type { ImageDto } from './device-api';

/** Rebuilds a MemoryImage from its plain form. */
export function imageFromDto(dto: ImageDto): MemoryImage {
  const image = new MemoryImage(dto.regions);
  image.load(SparseData.from(dto.segments));
  return image;
}

/** The plain form of a MemoryImage (segments share the image's bytes). */
export function imageToDto(image: MemoryImage): ImageDto {
  return {
    regions: image.regions.map((r) => ({ ...r })),
    segments: image.data.segments().map((s) => ({ address: s.address, data: s.data })),
  };
}
