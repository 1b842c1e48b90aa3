app_name = "plans-api"
urlpatterns = []
