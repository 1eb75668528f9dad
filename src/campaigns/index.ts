// Campaigns: one-off sends to an audience, now or scheduled, with A/B variants, an automatic winner
// and a holdout, running on the scenario engine.
export {
  type CampaignView,
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  scheduleCampaign,
  startDueCampaigns,
} from "./campaigns.js";
export { type CampaignInput, campaignInputSchema, campaignScenario } from "./definition.js";
export { type AudiencePreview, type CampaignReport, campaignReport, previewAudience } from "./report.js";
