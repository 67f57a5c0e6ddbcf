// shpjs ships no types; the part we use: an object of the shapefile's parts → a GeoJSON FeatureCollection
// (reprojected to WGS 84 when a .prj is given), or a .zip → one FeatureCollection or one per layer.
declare module 'shpjs' {
  type Bytes = ArrayBuffer | Uint8Array;
  interface Parts {
    shp: Bytes;
    dbf?: Bytes;
    prj?: Bytes | string;
    cpg?: Bytes | string;
  }
  export default function getShapefile(input: Parts | Bytes): Promise<unknown>;
}
