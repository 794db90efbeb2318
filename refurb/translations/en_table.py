"""English for the French interface strings (French is the source language)."""

EN = {
    "Appareils": "Devices",
    "Tableau de bord": "Dashboard",
    "Connexion": "Sign in",
    "Se connecter": "Sign in",
    "Adresse e-mail": "E-mail address",
    "Mot de passe": "Password",
    "Déconnexion": "Sign out",
}
