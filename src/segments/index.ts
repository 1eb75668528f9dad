export { type CompileContext, compileRule, membersQuery } from "./compile.js";
export { installStarterSegments, STARTER_SEGMENTS } from "./library.js";
export {
  PROFILE_FIELDS,
  RFM_GROUP_NAMES,
  type SegmentInput,
  type SegmentLeaf,
  type SegmentRule,
  segmentInputSchema,
  segmentKeySchema,
  segmentRuleSchema,
} from "./schema.js";
export {
  archiveSegment,
  customerSegments,
  findSegment,
  listSegments,
  previewRule,
  REFRESH_EVERY_MS,
  type RulePreview,
  refreshDueSegments,
  refreshSegment,
  type SegmentMember,
  type SegmentRefresh,
  type SegmentView,
  saveSegment,
  segmentMembers,
  toSegmentView,
} from "./segments.js";
