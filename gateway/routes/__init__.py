"""The gateway's HTTP routes, grouped by the bounded context (service) that answers them,
then by audience: `public` (no login: /auth, /orgs), `me` (the signed-in person: /me),
`admin` (/admin, admins and the operator). A new service adds `routes/<context>/` and its
blueprints here; request contracts the service also checks live in
`services/<context>/contracts.py`."""
from .billing.admin.resources import blp as billing_admin
from .billing.me.resources import blp as billing_me
from .billing.public.resources import blp as billing_public
from .exam.admin.resources import blp as exam_admin
from .exam.me.resources import blp as exam_me
from .identity.admin.resources import blp as identity_admin
from .identity.me.resources import blp as identity_me
from .identity.public.resources import blp as identity_public
from .learning.admin.resources import blp as learning_admin
from .learning.me.resources import blp as learning_me
from .learning.public.resources import blp as learning_public
from .orgtree.admin.resources import blp as orgtree_admin
from .orgtree.public.resources import blp as orgtree_public
from .reporting.admin.resources import blp as reporting_admin

BLUEPRINTS = (identity_public, identity_me, orgtree_public, learning_public, identity_admin,
              orgtree_admin, learning_me, learning_admin, billing_me, billing_public,
              billing_admin, exam_me, exam_admin, reporting_admin)
