"""The terminal UI (Textual). The only package that imports textual.

Layout: `app` (the App and its factory), `services` (what the UI needs from the outside world, injected),
`real_services` / `scripted` (the production and the scripted implementations), `messages` (what workers
post to the UI thread), `screens/` (one module per screen), `widgets/`, `format` (pure text rendering)
and `launch` (entry points for the CLI).

Threading rule: only the UI thread touches widgets and the Session; workers post messages.
"""
