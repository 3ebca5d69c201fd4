import { environments } from "./environments";
import { services } from "./services";
import type { PlatformConfig } from "./types";

/** The shipped configuration: the project name plus the entries of the two files beside this one. */
export const defaultConfig: PlatformConfig = {
  project: "bunfg",
  environments,
  services,
};
