/** What a policy means for the card service and the app. */
import type { CardServiceOptions } from "../native-bridge/service/card-service.js";
import type { CodeRules } from "../contract/rules.js";
import type { Policy } from "./policy.js";

export function rulesOf(policy: Policy): CodeRules {
  return { pin: policy.pin, puk: policy.puk, digitsOnly: true, rejectWeakCodes: policy.rejectWeakCodes };
}

export function serviceOptionsOf(
  policy: Policy,
): Required<Pick<CardServiceOptions, "rules" | "families" | "allowChangePuk" | "trustEmptyVerify">> {
  return {
    rules: rulesOf(policy),
    families: policy.cardFamilies,
    allowChangePuk: policy.allowChangePuk,
    trustEmptyVerify: policy.trustEmptyVerify,
  };
}
