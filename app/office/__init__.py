"""What every office (desktop review) page shares: who may enter, and how lists filter.

The pages themselves live with their feature (``app/patrols``, ``app/gate`` ...); this
package holds only the parts they have in common, so that each list filters, sorts and
pages the same way and no page can forget the site scoping.
"""
