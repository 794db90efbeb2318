// The API reference page: Swagger UI on the OpenAPI document served by this server.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("api-docs");
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // never send the document to an outside validator
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
});
