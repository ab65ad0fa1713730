// Cyd's pages work fully without JavaScript: this only enhances GOV.UK Frontend's
// components (an error summary takes focus, the menu folds on a small screen...).
// A module script, loaded from a file: the Content-Security-Policy allows no inline
// script, so the class GOV.UK Frontend looks for is added here, not in the page.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
