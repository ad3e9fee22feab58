import { trafficStage } from "../enable-manifest/enable-manifest-stage.js";

export const disableManifestStage = trafficStage("disableManifest");
