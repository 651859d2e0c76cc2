/** Stylesheets imported for their side effect: esbuild bundles them into reports.css. */
declare module '*.css';
