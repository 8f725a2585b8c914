#!/usr/bin/python3
# A minimal WebKitGTK browser for WebKitWebDriver, with a real on-disk profile. MiniBrowser always
# uses a throw-away private profile, where storing a File in IndexedDB fails; Skylift needs the file
# stored, and a profile that survives a relaunch. WebKitWebDriver starts this with
# `--automation <profile dir>` (capabilities webkitgtk:browserOptions) and drives the views it asks for.
import sys

import gi

gi.require_version('Gtk', '3.0')
gi.require_version('WebKit2', '4.1')
from gi.repository import Gtk, WebKit2  # noqa: E402

profile = next(arg for arg in sys.argv[1:] if not arg.startswith('-'))
manager = WebKit2.WebsiteDataManager(
    base_data_directory=f'{profile}/data', base_cache_directory=f'{profile}/cache'
)
context = WebKit2.WebContext.new_with_website_data_manager(manager)
context.set_automation_allowed(True)


def new_view(_session):
    view = WebKit2.WebView(web_context=context, is_controlled_by_automation=True)
    window = Gtk.Window(default_width=1280, default_height=900)
    window.add(view)
    # WebDriver's Close Window asks the view to close: the window and its page go.
    view.connect('close', lambda _view: window.destroy())
    window.show_all()
    return view


def on_automation_started(_context, session):
    info = WebKit2.ApplicationInfo()
    info.set_name('skylift-webkit-shell')
    info.set_version(1, 0, 0)
    session.set_application_info(info)
    session.connect('create-web-view', new_view)


context.connect('automation-started', on_automation_started)
Gtk.main()
