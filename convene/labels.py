"""Words the templates translate from data (kinds, states, relationship types, actions), marked
here so ``pybabel extract`` finds them."""

from convene.i18n import N_

LABELS = (
    # organisation kinds
    N_("company"), N_("union"), N_("ngo"), N_("initiative"), N_("government"),
    N_("knowledge institute"), N_("industry association"), N_("covenant"), N_("network"),
    N_("programme"),
    # relationship types
    N_("member of"), N_("partner"), N_("supplier of"), N_("introduced"), N_("dispute"),
    # introduction states and actions
    N_("requested"), N_("approved"), N_("accepted"), N_("rejected"), N_("declined"),
    N_("withdrawn"), N_("expired"), N_("request"), N_("propose"), N_("approve"),
    N_("reject"), N_("accept"), N_("decline"), N_("withdraw"), N_("expire"),
    # roles and import kinds
    N_("member"), N_("coordinator"), N_("admin"), N_("organisations"), N_("relationships"),
    N_("contacts"),
    # error page titles
    N_("Bad request"), N_("Please sign in"), N_("Not allowed"), N_("Not found"),
    N_("Conflict"), N_("Invalid input"), N_("Something went wrong"),
)  # fmt: skip
