import * as v from "valibot";
import { dict, list, strictObject, text } from "./fields";
import { ENVIRONMENT_NAME, EnvironmentSchema } from "./environment";
import { ServiceSchema } from "./service";

export const PROJECT_NAME = /^[a-z][a-z0-9-]{1,14}[a-z0-9]$/;

/** The whole configuration: `platform.ts` joins the project name and the two entry files. */
export const PlatformSchema = strictObject(
  {
    /** Short project name, the prefix of ALB and shared resource names. */
    project: text(PROJECT_NAME, "must be 3-16 lower-case letters, digits and hyphens, starting with a letter", 16),
    /** The environments, keyed by name (2-12 lower-case letters and digits). */
    environments: dict(
      v.pipe(v.string(), v.regex(ENVIRONMENT_NAME, "environment names are 2-12 lower-case letters and digits, starting with a letter")),
      EnvironmentSchema,
      "an object of environment names to environments",
    ),
    /** The services; every environment runs each of them. */
    services: list(ServiceSchema, "a list of services", 1000),
  },
  "an object { project, environments, services }",
);
