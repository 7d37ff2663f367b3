// Stylesheets are bundled as text (build.mjs: loader '.css': 'text') and adopted as constructable stylesheets.
declare module '*.css' {
  const text: string;
  export default text;
}
