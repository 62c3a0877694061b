// The EC2 section of the console: instances (the table of the course's
// screenshots, start/stop/reboot/terminate), the launch form, Elastic IPs,
// key pairs, security groups and volumes. Every call goes to EC2's Query API
// in the region of the top bar; the pages live in ec2-*.js.

import { instancePages } from "./ec2-instances.js";
import { launchPages } from "./ec2-launch.js";
import { addressPages } from "./ec2-addresses.js";
import { keyPairPages } from "./ec2-keypairs.js";
import { securityGroupPages } from "./ec2-security-groups.js";
import { volumePages } from "./ec2-volumes.js";

export const pages = [
  ...instancePages,
  ...launchPages,
  ...addressPages,
  ...keyPairPages,
  ...securityGroupPages,
  ...volumePages,
];
