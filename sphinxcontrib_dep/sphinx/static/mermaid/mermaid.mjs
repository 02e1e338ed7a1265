// Mermaid as the ES module sphinxcontrib-mermaid imports: mermaid.min.js (11.12.1, MIT,
// served from this site, never a CDN) is loaded before it as a classic script and
// defines globalThis.mermaid.
export default globalThis.mermaid;
