using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace LlmObs.Playground.RagApi.Answering;

/// <summary>Tidewater's subscription plans, as the pricing tool accepts them.</summary>
public enum PricingPlan
{
    Starter,
    Team,
    Business,
    Enterprise,
}

/// <summary>
/// <c>get_plan_price</c>, the tool the model calls for plan prices. It stands for a live price-list lookup, so
/// pricing questions show a tool call and a second chat call in their traces.
/// </summary>
internal static class PlanPriceTool
{
    public static AIFunction Function { get; } = AIFunctionFactory.Create(
        GetPlanPrice,
        name: "get_plan_price",
        description: "Gets the current list price of a Tidewater subscription plan from the live price list.");

    private static string GetPlanPrice([Description("The plan to price.")] PricingPlan plan) => plan switch
    {
        PricingPlan.Starter => "Starter is free for up to 3 users and 5 rooms.",
        PricingPlan.Team => "Team costs $12 per user per month billed annually, or $15 per user per month billed monthly.",
        PricingPlan.Business => "Business costs $24 per user per month billed annually, or $29 per user per month billed monthly.",
        PricingPlan.Enterprise => "Enterprise is priced by contract, from $45 per user per month billed annually.",
        _ => throw new ArgumentOutOfRangeException(nameof(plan), plan, "Unknown plan."),
    };
}
