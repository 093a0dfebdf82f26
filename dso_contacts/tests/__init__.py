from . import test_contacts
from . import test_contacts_search
from . import test_contacts_invoicing
from . import test_phone_tools
from . import test_import_tools
from . import test_import_contacts
from . import test_import_customers
from . import test_quick_search
