// Placeholder until this section's pages are written.
import { h } from "../ui.js";

export const pages = [
  { route: "s3", title: "Buckets", section: "S3", render: (view) => view.append(h("h1", {}, "Buckets")) },
];
