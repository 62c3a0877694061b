// Placeholder until this section's pages are written.
import { h } from "../ui.js";

export const pages = [];
