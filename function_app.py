"""Composition root: the FunctionApp and its blueprints. Nothing else lives here."""

import azure.functions as func

from functions import dossier, order_worker, woocommerce_webhook

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)

for blueprint in (woocommerce_webhook.bp, order_worker.bp, dossier.bp):
    app.register_functions(blueprint)
