/** A Spinnaker stage type Capstan keeps when importing but cannot run (Spinnaker's stage reference). */
export interface SpinnakerOnlyStage {
  type: string;
  /** Graph icon key, when one of Capstan's fits. */
  icon?: string;
}

/** Validated with a warning, not an error; a type that becomes a Capstan stage type leaves this list. */
export const SPINNAKER_ONLY_STAGES: readonly SpinnakerOnlyStage[] = [
  { type: "bake" },
  { type: "jenkins" },
  { type: "travis" },
  { type: "wercker" },
  { type: "concourse" },
  { type: "script" },
  { type: "findImage" },
  { type: "findArtifactFromExecution" },
  { type: "createLoadBalancer" },
  { type: "deleteLoadBalancer" },
  { type: "upsertLoadBalancer" },
  { type: "upsertImageTags" },
  { type: "createServerGroup" },
  { type: "resizeAsg" },
  { type: "disableAsg" },
  { type: "enableAsg" },
  { type: "destroyAsg" },
  { type: "modifyAwsScalingProcess" },
  { type: "upsertScalingPolicy" },
  { type: "deployCloudFormation" },
  { type: "deployAppEngineConfiguration" },
  { type: "startAppEngineServerGroup" },
  { type: "stopAppEngineServerGroup" },
  { type: "deployCanary" },
  { type: "kayentaCanary", icon: "canary" },
  { type: "canary", icon: "canary" },
  { type: "acaTask" },
  // Kayenta's internal stages, which kayentaCanary plans (they show up in exported executions).
  { type: "runCanaryIntervals", icon: "canary" },
  { type: "runCanary", icon: "canary" },
  { type: "deployCanaryServerGroups", icon: "canary" },
  { type: "deployCanaryClusters", icon: "canary" },
  { type: "cleanupCanaryClusters", icon: "canary" },
  { type: "rollingRestartManifest" },
  { type: "runJob" },
  { type: "preconfiguredJob" },
  { type: "savePipeline" },
  { type: "importDeploymentConfiguration" },
  { type: "googleCloudBuild" },
  { type: "gremlin" },
  { type: "chaosMonkey" },
  { type: "createApplication" },
  { type: "deleteApplication" },
  { type: "updateApplication" },
  { type: "waitForCondition" },
  { type: "migrateServerGroup" },
  { type: "rollingRestart" },
  { type: "monitorPipeline" },
  { type: "sendNotification" },
  { type: "tagImage" },
];

/** Icons of Spinnaker types that are in neither list (Capstan reports them as unknown). */
export const OTHER_SPINNAKER_ICONS: Readonly<Record<string, string>> = {
  rollbackServerGroup: "rollback",
};
