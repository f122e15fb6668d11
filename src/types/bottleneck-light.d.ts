// Bottleneck's light build (the one Octokit's throttling plugin uses) has the full build's API without clustering.
declare module "bottleneck/light.js" {
  import Bottleneck from "bottleneck";
  export default Bottleneck;
}
