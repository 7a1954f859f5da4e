"""How to work with a customer: a strategy per value type, a coping tip per personality.

The sales manuals name the value types and personality types (GLOSSARY.md); the advice
here is written in our own words, short enough to read in the terminal before a call.
The English texts are the translation sources: they pass through ``_`` when shown.
"""

from __future__ import annotations

from salesflow.i18n import N_, _

STRATEGIES: dict[str, str] = {
    "intrinsic": (
        N_(
            "They know the product and watch the cost. Be direct: send the brochure and price "
            "list early, quote clearly, and keep meetings short and factual."
        )
    ),
    "extrinsic": (
        N_(
            "They buy the partnership as much as the product. Build the relationship: visit, "
            "introduce the people who will serve them, and show how we look after customers."
        )
    ),
    "strategic": (
        N_(
            "They want an equal, long-term partner. Bring in our senior management, plan "
            "together beyond the first order, and deliver more than was promised."
        )
    ),
}

TIPS: dict[str, str] = {
    "know-it-all": (
        N_(
            "Let them show their knowledge and agree where they are right; ask questions that "
            "lead them to the gaps instead of correcting them."
        )
    ),
    "haggler": (
        N_(
            "Fix the scope before the price; trade each concession for something back (volume, "
            "faster payment) and show the value behind every line."
        )
    ),
    "resentful": (
        N_(
            "Hear the old complaint out without defending; acknowledge it, say what has changed, "
            "and promise only what you can keep."
        )
    ),
    "calm-thinker": (
        N_(
            "Bring facts, figures and references in writing; give them time to weigh them and "
            "answer questions precisely rather than pushing."
        )
    ),
    "procrastinator": (
        N_(
            "Find the real reason behind each delay; end every contact with a dated next step "
            "and a concrete reason to act now."
        )
    ),
    "curious": (
        N_(
            "Feed the interest with a demo or sample, then steer from what is interesting to "
            "what it does for their business."
        )
    ),
    "talkative": (
        N_(
            "Listen for a while, then steer back with short, closed questions; confirm what was "
            "agreed in writing afterwards."
        )
    ),
    "boaster": (
        N_(
            "Respect their success and lead with the premium option; let them decide in a way "
            "that keeps face."
        )
    ),
    "insincere": (
        N_(
            "Stay friendly but test intent early: ask for budget, decision process and a dated "
            "next step before investing much time."
        )
    ),
    "suspicious": (
        N_(
            "Back every claim with proof: references, certificates, a trial, clear written "
            "terms. Never overpromise."
        )
    ),
    "impulsive": (
        N_(
            "Move while the interest is warm, but confirm the essentials in writing so the deal "
            "survives a change of mood."
        )
    ),
    "silent": (
        N_(
            "Ask open questions and wait through the pauses; watch reactions, leave written "
            "material, and check understanding instead of assuming agreement."
        )
    ),
    "preconceived": (
        N_(
            "Do not push; be useful, leave material, and ask what would make a closer look "
            "worth their while."
        )
    ),
    "conservative": (
        N_(
            "Show that companies like theirs already use it safely; start small and keep "
            "continuity with what they use today."
        )
    ),
    "shy": (
        N_(
            "Keep the pressure low and be patient; offer clear choices rather than open "
            "questions, and follow up in writing or on WeChat."
        )
    ),
    "stubborn": (
        N_(
            "Do not argue head-on; start from their view, offer options they can choose "
            "between, and use evidence from their own industry."
        )
    ),
    "hesitant": (
        N_(
            "Narrow the choice to two or three options, recommend one plainly, and lower the "
            "risk with a guarantee or a trial."
        )
    ),
    "rational": (
        N_(
            "Be precise and candid: total cost, return, and an honest comparison with the "
            "alternatives. Skip the sales talk."
        )
    ),
}


def strategy_for(value_type: str | None) -> str | None:
    """The strategy for a value type code, in the person's language (``None`` if unknown)."""
    text = STRATEGIES.get(value_type or "")
    return _(text) if text else None


def tip_for(personality: str | None) -> str | None:
    """The coping tip for a personality code, in the person's language (``None`` if unknown)."""
    text = TIPS.get(personality or "")
    return _(text) if text else None
