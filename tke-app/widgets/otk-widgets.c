/* otk-widgets.c: what the widgets share: their GResource and accessible names. */
#include "otk-widgets.h"

#include "otk-widgets-resources.h"

#include <string.h>

void
otk_widgets_init (void)
{
  /* Registered once per process; g_resources_register keeps a reference. */
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_resources_register (otk_widgets_get_resource ());
      g_once_init_leave (&done, 1);
    }
}

void
otk_widget_set_accessible_name (GtkWidget *widget, const char *name)
{
  AtkObject *accessible = gtk_widget_get_accessible (widget);

  if (accessible != NULL)
    atk_object_set_name (accessible, name);
}

void
otk_reader_info_clear (OtkReaderInfo *info)
{
  g_clear_pointer (&info->name, g_free);
  g_clear_pointer (&info->card_type, g_free);
  memset (info, 0, sizeof *info);
}
