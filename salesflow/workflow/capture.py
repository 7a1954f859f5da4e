"""Capturing a lead (客户开发): owner, duplicate protection (撞单), and the records it makes.

A new lead is refused when its company (normalized name), phone or email already belongs
to a customer: owned by another rep it is a conflict naming that owner; owned by the same
person it should be attached to that customer (``--attach-to``); in the unassigned pool it
is the manager's to assign. Similar names are only warned about.

A lead's history fields (stage, created and closed dates, lost reason, competitor,
external id, expected close), when a caller gives them, are kept as ``lead import`` keeps
them, and every new lead gets the same first stage-history row as an imported one
(:func:`~salesflow.workflow.pipeline_moves.entry_change`), so ``lead history`` and
days in stage know when it entered the stage it starts at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from salesflow.i18n import N_, _
from salesflow.store.models import Contact, Customer, Lead, StageChange, User
from salesflow.workflow.duplicates import Match, find_matches, hold_customer_keys
from salesflow.workflow.errors import FieldError, InputError, NotFound, PermissionDenied, Refused
from salesflow.workflow.identity import find_user
from salesflow.workflow.lead_access import customer_of, lead_for_update
from salesflow.workflow.lead_input import CleanLead, LeadInput, clean_lead, option_name
from salesflow.workflow.pipeline_moves import entered_at, entry_change, lifecycle_for
from salesflow.workflow.record_ids import storable
from salesflow.workflow.roles import role_label, scope_kind
from salesflow.workflow.stage_config import load_stages
from salesflow.workflow.visibility import scope_for
from salesflow.workflow.workdays import next_working_day

SELLING_ROLES = frozenset({"rep", "manager", "director"})
# Who may capture leads: everyone in sales, and service staff logging inquiries (unassigned).
CAPTURES = SELLING_ROLES | {"service", "admin"}
UNASSIGNED = frozenset({"-", "none", "unassigned", "nobody"})
# Who logs new leads into the unassigned pool unless they name an owner.
POOL_BY_DEFAULT = frozenset({"service", "admin"})


def owns_by_default(actor: User) -> bool:
    """Whether a lead the actor captures is theirs unless they say otherwise (pure)."""
    return actor.role not in POOL_BY_DEFAULT


@dataclass(frozen=True)
class NextStep:
    """What should happen to a lead next: a code, a due date and who acts."""

    code: str  # "assign", "first-contact" or "grade"
    due: date


@dataclass
class CaptureResult:
    lead: Lead
    customer: Customer
    contact: Contact | None
    owner: str | None
    warnings: list[Match] = field(default_factory=list)
    next_step: NextStep | None = None
    attached: bool = False


def suggest_next_step(lead: Lead, today: date) -> NextStep:
    """The first thing to do with a new lead (a pure rule, SPEC §2.1-2.3)."""
    if lead.owner_id is None:
        return NextStep("assign", next_working_day(today))
    if lead.stage == "new":
        return NextStep("first-contact", next_working_day(today))
    return NextStep("grade", today)


def resolve_owner(
    session: Session, actor: User, owner: str | None, *, field: str = "--owner"
) -> User | None:
    """Who will own the lead: the actor by default; ``-`` leaves it unassigned.

    A rep owns what they capture; service staff log inquiries into the unassigned pool;
    a manager assigns within the team; a director or admin to anyone in sales.
    """
    if actor.role not in CAPTURES:
        raise PermissionDenied(
            _("Your role ({role}) does not capture leads.").format(role=role_label(actor.role)),
            hint=_("Reps, managers, directors and customer service capture leads."),
        )
    if owner is None:
        return actor if owns_by_default(actor) else None
    if owner.strip().lower() in UNASSIGNED:
        if actor.role == "rep":
            raise PermissionDenied(
                _("A rep keeps the leads they capture; only a manager leaves one unassigned."),
                hint=_("Leave out {field}.").format(field=field),
            )
        return None
    user = find_user(session, owner)
    if user is None or not user.active:
        raise FieldError(
            "owner",
            _("No active user '{name}' ({field}).").format(name=owner, field=field),
            hint=_("'salesflow user list' shows the users."),
        )
    if user.role not in SELLING_ROLES:
        raise FieldError(
            "owner",
            _("{name} is {role} and cannot own leads ({field}).").format(
                name=user.username, role=role_label(user.role), field=field
            ),
        )
    if user.id == actor.id:
        return user
    kind = scope_kind(actor.role)
    if kind == "all":
        return user
    if kind == "team" and scope_for(session, actor).can_see(user.id):
        return user
    raise PermissionDenied(
        _("You cannot give leads to {name} ({field}).").format(name=user.username, field=field),
        hint=_("A rep owns their own leads; a manager assigns within the team."),
    )


def _first_lead_id(session: Session, customer_id: int) -> int | None:
    return session.exec(
        select(Lead.id).where(Lead.customer_id == customer_id).order_by(col(Lead.id))
    ).first()


def describe_match(session: Session, match: Match) -> str:
    """'customer 12 杭州云栖科技有限公司 (lead 34), by phone'."""
    lead_id = _first_lead_id(session, match.customer_id)
    record = _("customer {id} {name}").format(id=match.customer_id, name=match.customer_name)
    if lead_id is not None:
        record += " " + _("(lead {id})").format(id=lead_id)
    return record


REASON_LABELS = {
    "company": N_("by company name"),
    "phone": N_("by phone"),
    "email": N_("by email"),
    "similar-name": N_("similar name"),
}


def reason_label(code: str) -> str:
    english = REASON_LABELS.get(code)
    return _(english) if english else code


def refuse_exact(session: Session, match: Match, owner_id: int | None, *, editing: bool) -> None:
    """Raise the refusal an exact duplicate deserves (see the module docstring)."""
    record = describe_match(session, match)
    why = reason_label(match.reason)
    if match.owner_id is not None and match.owner_id != owner_id:
        owner = session.get(User, match.owner_id)
        who = f"{owner.username} ({owner.display_name})" if owner else str(match.owner_id)
        raise Refused(
            _("Duplicate (撞单): {record} already belongs to {owner}, matched {why}.").format(
                record=record, owner=who, why=why
            ),
            hint=_("Ask {owner} or your manager; one customer has one owner.").format(
                owner=owner.username if owner else who
            ),
        )
    if match.owner_id is None:
        raise Refused(
            _(
                "Duplicate (撞单): {record} is already in the unassigned pool, matched {why}."
            ).format(record=record, why=why),
            hint=_("Ask a manager to assign it: 'salesflow lead assign LEAD --to USER'."),
        )
    if editing:
        raise Refused(
            _("Duplicate (撞单): {record} already has this, matched {why}.").format(
                record=record, why=why
            ),
            hint=_("Merge the two with 'salesflow lead merge KEEP OTHER'."),
        )
    raise Refused(
        _("Duplicate (撞单): {record} is already yours, matched {why}.").format(
            record=record, why=why
        ),
        hint=_("Add the new lead to it with --attach-to {id}.").format(id=match.customer_id),
    )


def find_customer(session: Session, actor: User, ref: str, *, field: str) -> Customer:
    """A visible customer by number (12, C12) or by company name."""
    text = ref.strip().lstrip("#")
    number = text[1:] if text[:1] in {"C", "c"} and text[1:].isdecimal() else text
    customer: Customer | None = None
    if number.isdecimal() and len(number) <= 12:
        customer = session.get(Customer, int(number)) if storable(int(number)) else None
    else:
        from salesflow.workflow.companies import company_key

        customer = session.exec(
            select(Customer)
            .where(Customer.name_key == company_key(text))
            .order_by(col(Customer.id))
        ).first()
    if customer is None or not scope_for(session, actor).can_see(customer.owner_id):
        raise NotFound(
            _("No customer '{ref}' ({field}).").format(ref=ref, field=field),
            hint=_("'salesflow lead show LEAD' shows a lead's customer number."),
        )
    return customer


def _referrer(session: Session, clean: CleanLead) -> tuple[int | None, str | None]:
    """A referrer who is a customer is linked; anyone else is kept by name."""
    if clean.referrer is None:
        return None, None
    from salesflow.workflow.companies import company_key

    customer_id = session.exec(
        select(Customer.id)
        .where(Customer.name_key == company_key(clean.referrer))
        .order_by(col(Customer.id))
    ).first()
    return (customer_id, None) if customer_id is not None else (None, clean.referrer)


def add_lead(
    session: Session,
    actor: User,
    raw: LeadInput,
    *,
    attach_to: str | None = None,
    now: datetime | None = None,
) -> CaptureResult:
    """Check, normalize and save a new lead with its customer and contact."""
    moment = now or datetime.now(UTC)
    owner = resolve_owner(session, actor, raw.owner)
    owner_id = owner.id if owner is not None else None
    target: Customer | None = None
    if attach_to is not None:
        target = find_customer(session, actor, attach_to, field="--attach-to")
        if target.owner_id != owner_id:
            raise Refused(
                _(
                    "Customer {id} is not yours; a lead is attached only to its owner's customer."
                ).format(id=target.id),
                hint=_("Ask its owner or your manager."),
            )
    required = frozenset({"source"}) if target is not None else frozenset({"company", "source"})
    clean = clean_lead(raw, require=required, now=moment)
    if target is not None and clean.name_key and clean.name_key != target.name_key:
        raise FieldError(
            "company",
            _("--company '{given}' is not customer {id}, {name}.").format(
                given=clean.company, id=target.id, name=target.name
            ),
            hint=_("Leave out --company when attaching."),
        )
    hold_customer_keys(session)
    matches = find_matches(
        session,
        name_key=clean.name_key if target is None else None,
        phones=[clean.phone] if clean.phone else [],
        emails=[clean.email] if clean.email else [],
        exclude_customer=target.id if target is not None else None,
    )
    exact = [m for m in matches if m.exact]
    if exact:
        refuse_exact(session, exact[0], owner_id, editing=False)
    stage = clean.stage or "new"
    created = clean.created_at or moment
    customer = target or _new_customer(clean, owner_id, created)
    if target is None:
        customer.lifecycle = lifecycle_for([stage], load_stages())
    session.add(customer)
    session.flush()
    assert customer.id is not None
    contact = _contact_for(session, customer.id, clean, created)
    referrer_id, referrer_name = _referrer(session, clean)
    lead = Lead(
        customer_id=customer.id,
        contact_id=contact.id if contact else None,
        need=clean.need,
        source=clean.source or "other",
        referrer_customer_id=referrer_id,
        referrer_name=referrer_name,
        stage=stage,
        amount_fen=clean.amount_fen,
        expected_close=clean.expected_close,
        lost_reason=clean.lost_reason,
        competitor=clean.competitor,
        external_ref=clean.external_ref,
        owner_id=owner_id,
        created_by_id=actor.id,
        notes=clean.notes,
        created_at=created,
        updated_at=moment,
        closed_at=clean.closed_at,
        stage_entered_at=entered_at(stage, created, clean.closed_at),
    )
    session.add(lead)
    session.flush()
    assert lead.id is not None
    session.add(
        StageChange(
            **entry_change(
                lead.id,
                stage=stage,
                created_at=created,
                closed_at=clean.closed_at,
                by_id=actor.id,
            )
        )
    )
    session.flush()
    return CaptureResult(
        lead=lead,
        customer=customer,
        contact=contact,
        owner=owner.username if owner else None,
        warnings=[m for m in matches if not m.exact],
        next_step=suggest_next_step(lead, moment.astimezone().date()),
        attached=target is not None,
    )


def _new_customer(clean: CleanLead, owner_id: int | None, moment: datetime) -> Customer:
    assert clean.company is not None
    assert clean.name_key is not None
    region = clean.region
    return Customer(
        name=clean.company,
        name_key=clean.name_key,
        name_block=clean.name_block or clean.name_key[:2],
        industry=clean.industry,
        employees=clean.employees,
        founded_year=clean.founded_year,
        province=region.province if region else None,
        city=region.city if region else None,
        county=region.county if region else None,
        region_code=region.code if region else None,
        owner_id=owner_id,
        created_at=moment,
    )


def _contact_for(
    session: Session, customer_id: int, clean: CleanLead, moment: datetime
) -> Contact | None:
    """The customer's contact with this phone or email, else a new one (if named)."""
    if clean.phone or clean.email:
        known = session.exec(
            select(Contact).where(
                Contact.customer_id == customer_id,
                (col(Contact.phone) == clean.phone) | (col(Contact.email) == clean.email),
            )
        ).first()
        if known is not None:
            return known
    if clean.contact is None:
        return None
    contact = Contact(
        customer_id=customer_id,
        name=clean.contact,
        title=clean.title,
        phone=clean.phone,
        email=clean.email,
        wechat=clean.wechat,
        created_at=moment,
    )
    session.add(contact)
    session.flush()
    return contact


# Fields `lead edit` changes on the customer, on the lead's contact, and on the lead.
CUSTOMER_FIELDS = ("company", "industry", "employees", "founded_year", "province", "city", "county")
CONTACT_FIELDS = ("contact", "title", "phone", "email", "wechat")
LEAD_EDIT_FIELDS = ("source", "referrer", "need", "amount", "notes", "expected_close")
EDITABLE = CUSTOMER_FIELDS + CONTACT_FIELDS + LEAD_EDIT_FIELDS


@dataclass
class EditResult:
    lead: Lead
    changed: list[str]
    warnings: list[Match] = field(default_factory=list)


def edit_lead(
    session: Session, actor: User, lead_id: int, changes: LeadInput, *, clear: tuple[str, ...] = ()
) -> EditResult:
    """Change the given fields of a lead, its customer and its contact; checked and audited.

    ``clear`` names optional fields to empty. Duplicates are checked as on ``lead add``.
    """
    given = {name for name in EDITABLE if getattr(changes, name) is not None}
    both = sorted(given & set(clear))
    if both:
        raise InputError(
            _("{options} given both as a new value and with --clear.").format(
                options=", ".join(option_name(name) for name in both)
            ),
            hint=_("Pass either the new value or --clear, not both."),
        )
    unknown = set(clear) - set(EDITABLE)
    if unknown:
        raise InputError(
            _("Cannot clear {fields}.").format(fields=", ".join(sorted(unknown))),
        )
    for name in ("company", "source", "contact"):
        if name in clear:
            raise FieldError(
                name,
                _("{field} cannot be emptied.").format(field=option_name(name)),
            )
    if not given and not clear:
        raise InputError(
            _("Nothing to change."),
            hint=_("Pass one or more options such as --phone or --amount; see --help."),
        )
    if given & {"company", "phone", "email"}:
        # Taken before the lead's row lock, as adding a lead takes it before its rows.
        hold_customer_keys(session)
    lead = lead_for_update(session, actor, lead_id)
    customer = customer_of(session, lead)
    contact = session.get(Contact, lead.contact_id) if lead.contact_id else None
    region_given = {"province", "city", "county"} & given
    # A place is read as a whole: a new province drops the old city and county.
    if region_given and changes.province is None:
        changes.province = customer.province
        if changes.city is None:
            changes.city = customer.city
            if changes.county is None:
                changes.county = customer.county
    if contact is not None and changes.contact is None and given & set(CONTACT_FIELDS):
        changes.contact = contact.name  # a new phone belongs to the same named person
    clean = clean_lead(changes, require=frozenset())
    source = clean.source or lead.source
    if source == "referral" and clean.referrer is None and "referrer" in clear:
        raise FieldError("referrer", _("A referral needs its referrer (--referrer)."))
    if (
        source == "referral"
        and clean.referrer is None
        and lead.referrer_customer_id is None
        and lead.referrer_name is None
    ):
        raise FieldError(
            "referrer",
            _("A referral needs its referrer: a customer or a person ({field}).").format(
                field="--referrer"
            ),
        )
    matches = find_matches(
        session,
        name_key=clean.name_key if clean.name_key and clean.name_key != customer.name_key else None,
        phones=[clean.phone] if clean.phone else [],
        emails=[clean.email] if clean.email else [],
        exclude_customer=customer.id,
    )
    exact = [m for m in matches if m.exact]
    if exact:
        refuse_exact(session, exact[0], customer.owner_id, editing=True)
    changed = _apply(
        session,
        lead,
        customer=customer,
        contact=contact,
        clean=clean,
        given=given,
        clear=set(clear),
    )
    if changed:
        lead.updated_at = datetime.now(UTC)
        session.add(lead)
        session.flush()
    return EditResult(lead=lead, changed=changed, warnings=[m for m in matches if not m.exact])


def _apply(
    session: Session,
    lead: Lead,
    *,
    customer: Customer,
    contact: Contact | None,
    clean: CleanLead,
    given: set[str],
    clear: set[str],
) -> list[str]:
    changed: list[str] = []

    def put(obj: object, attr: str, value: object, name: str) -> None:
        if getattr(obj, attr) != value:
            setattr(obj, attr, value)
            changed.append(name)

    if "company" in given and clean.company is not None and clean.name_key is not None:
        put(customer, "name", clean.company, "company")
        customer.name_key = clean.name_key
        customer.name_block = clean.name_block or clean.name_key[:2]
    for name in ("industry", "employees", "founded_year"):
        if name in given or name in clear:
            put(customer, name, getattr(clean, name), name)
    if {"province", "city", "county"} & (given | clear):
        region = clean.region
        put(customer, "province", region.province if region else None, "province")
        put(customer, "city", region.city if region else None, "city")
        put(customer, "county", region.county if region else None, "county")
        customer.region_code = region.code if region else None
    contact_changes = (given | clear) & set(CONTACT_FIELDS)
    if contact_changes:
        if contact is None:
            if clean.contact is None:
                raise FieldError(
                    "contact",
                    _("This lead has no contact yet; name one with --contact."),
                )
            contact = Contact(customer_id=customer.id or 0, name=clean.contact)
            session.add(contact)
        for name, attr in (
            ("contact", "name"),
            ("title", "title"),
            ("phone", "phone"),
            ("email", "email"),
            ("wechat", "wechat"),
        ):
            if name in given or name in clear:
                put(contact, attr, getattr(clean, name), name)
        session.flush()
        if lead.contact_id != contact.id:
            lead.contact_id = contact.id
    if "source" in given and clean.source is not None:
        put(lead, "source", clean.source, "source")
    if "referrer" in given or "referrer" in clear:
        referrer_id, referrer_name = _referrer(session, clean)
        put(lead, "referrer_customer_id", referrer_id, "referrer")
        put(lead, "referrer_name", referrer_name, "referrer")
    if "amount" in given or "amount" in clear:
        put(lead, "amount_fen", clean.amount_fen, "amount")
    for name in ("need", "notes", "expected_close"):
        if name in given or name in clear:
            put(lead, name, getattr(clean, name), name)
    session.add(customer)
    return sorted(set(changed))
