// webpack 5's defaults: `new Worker(new URL(...))` and `new URL('./x.wasm', import.meta.url)` in
// the package are bundled / emitted as assets without any rule. The HTML plugin only writes the page.
const HtmlWebpackPlugin = require('html-webpack-plugin');

module.exports = {
  mode: 'production',
  entry: './src/index.js',
  plugins: [new HtmlWebpackPlugin({ template: './src/index.html' })],
};
