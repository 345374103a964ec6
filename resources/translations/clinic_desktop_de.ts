<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
    <context>
        <name>ApplyPlanDialog</name>
        <message>
            <source>Apply a plan</source>
            <translation>Plan anwenden</translation>
        </message>
        <message>
            <source>&amp;Plan template</source>
            <translation>&amp;Planvorlage</translation>
        </message>
        <message>
            <source>&amp;First step starts</source>
            <translation>&amp;Erster Schritt beginnt</translation>
        </message>
        <message>
            <source>The first step becomes active on that day.</source>
            <translation>Der erste Schritt wird an diesem Tag aktiv.</translation>
        </message>
    </context>
    <context>
        <name>AssignDialog</name>
        <message>
            <source>Assign photo</source>
            <translation>Foto zuordnen</translation>
        </message>
        <message>
            <source>The photo</source>
            <translation>Das Foto</translation>
        </message>
        <message>
            <source>Loading the photo…</source>
            <translation>Das Foto wird geladen …</translation>
        </message>
        <message>
            <source>No preview: the file could not be read.</source>
            <translation>Keine Vorschau: die Datei ließ sich nicht lesen.</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>unbekannt</translation>
        </message>
        <message>
            <source>{name}
Taken: {day}
From: {folder}</source>
            <translation>{name}
Aufgenommen: {day}
Aus: {folder}</translation>
        </message>
        <message>
            <source>code or name, e.g. P00123 or Müller</source>
            <translation>Nummer oder Name, z. B. P00123 oder Müller</translation>
        </message>
        <message>
            <source>&amp;Patient</source>
            <translation>&amp;Patient/in</translation>
        </message>
        <message>
            <source>Type the patient's code or name; their steps appear below.</source>
            <translation>Patientennummer oder Namen eingeben; die Behandlungsschritte erscheinen darunter.</translation>
        </message>
        <message>
            <source>Patients that match</source>
            <translation>Passende Patient/innen</translation>
        </message>
        <message>
            <source>&amp;Step</source>
            <translation>&amp;Behandlungsschritt</translation>
        </message>
        <message>
            <source>The active step completes if its time is up, as for any photo. An earlier step keeps the photo as a record; nothing else changes. Steps that have not started cannot take a photo.</source>
            <translation>Der aktive Schritt wird abgeschlossen, wenn seine Zeit um ist – wie bei jedem Foto. Ein früherer Schritt behält das Foto zur Dokumentation; sonst ändert sich nichts. Schritte, die noch nicht begonnen haben, können kein Foto aufnehmen.</translation>
        </message>
        <message>
            <source>&amp;Assign</source>
            <translation>&amp;Zuordnen</translation>
        </message>
        <message>
            <source>No patient has the code, or a name, email or phone with “{text}” in it.</source>
            <translation>Keine Patientin und kein Patient hat die Nummer „{text}“ oder „{text}“ im Namen, in der E-Mail-Adresse oder Telefonnummer.</translation>
        </message>
        <message>
            <source>Several patients match “{text}” (the first {shown}; type more to narrow it): pick one.</source>
            <translation>Mehrere Patient/innen passen zu „{text}“ (die ersten {shown}; weitertippen grenzt ein): bitte eine/n auswählen.</translation>
        </message>
        <message>
            <source>Several patients match “{text}”: pick one.</source>
            <translation>Mehrere Patient/innen passen zu „{text}“: bitte eine/n auswählen.</translation>
        </message>
        <message>
            <source>The active step ({order} – {name})</source>
            <translation>Der aktive Schritt ({order} – {name})</translation>
        </message>
        <message>
            <source>No active step: keep the photo for the patient</source>
            <translation>Kein aktiver Schritt: Foto bei der Patientin / dem Patienten ablegen</translation>
        </message>
        <message>
            <source>{name} (no plan yet)</source>
            <translation>{name} (noch kein Plan)</translation>
        </message>
    </context>
    <context>
        <name>CompareDialog</name>
        <message>
            <source>Compare photos</source>
            <translation>Fotos vergleichen</translation>
        </message>
        <message>
            <source>Photo of {caption}</source>
            <translation>Foto vom {caption}</translation>
        </message>
        <message>
            <source>&amp;Zoom (both photos; drag a photo to move both)</source>
            <translation>&amp;Zoom (beide Fotos; ein Foto ziehen bewegt beide)</translation>
        </message>
        <message>
            <source>&amp;Side by side</source>
            <translation>&amp;Nebeneinander</translation>
        </message>
        <message>
            <source>How much of the later photo shows</source>
            <translation>Wie stark das spätere Foto durchscheint</translation>
        </message>
        <message>
            <source>O&amp;verlay</source>
            <translation>Ü&amp;berlagert</translation>
        </message>
    </context>
    <context>
        <name>ImportDialog</name>
        <message>
            <source>Importing photos</source>
            <translation>Fotos werden importiert</translation>
        </message>
        <message>
            <source>Photos imported so far</source>
            <translation>Bisher importierte Fotos</translation>
        </message>
        <message>
            <source>What happened to each photo</source>
            <translation>Was mit jedem Foto geschah</translation>
        </message>
        <message>
            <source>&amp;Stop after this photo</source>
            <translation>Nach diesem Foto &amp;anhalten</translation>
        </message>
        <message>
            <source>Stopping…</source>
            <translation>Wird angehalten …</translation>
        </message>
        <message>
            <source>not started (stopped)</source>
            <translation>nicht begonnen (angehalten)</translation>
        </message>
        <message numerus="yes">
            <source>%n file(s): {parts}.</source>
            <translation>
                <numerusform>%n Datei: {parts}.</numerusform>
                <numerusform>%n Dateien: {parts}.</numerusform>
            </translation>
        </message>
        <message>
            <source>&amp;Close</source>
            <translation>&amp;Schließen</translation>
        </message>
    </context>
    <context>
        <name>InboxView</name>
        <message>
            <source>Photo inbox</source>
            <translation>Foto-Eingang</translation>
        </message>
        <message>
            <source>&amp;Import photos…</source>
            <translation>Fotos &amp;importieren …</translation>
        </message>
        <message>
            <source>Import a &amp;folder…</source>
            <translation>&amp;Ordner importieren …</translation>
        </message>
        <message>
            <source>&amp;Assign to patient…</source>
            <translation>Patient/in &amp;zuordnen …</translation>
        </message>
        <message>
            <source>&amp;Dismiss</source>
            <translation>&amp;Verwerfen</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>File</source>
            <translation>Datei</translation>
        </message>
        <message>
            <source>Photo</source>
            <translation>Foto</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>Grund</translation>
        </message>
        <message>
            <source>Where it was</source>
            <translation>Herkunft</translation>
        </message>
        <message>
            <source>Taken</source>
            <translation>Aufgenommen</translation>
        </message>
        <message>
            <source>Photos waiting for a decision</source>
            <translation>Fotos, die auf eine Entscheidung warten</translation>
        </message>
        <message numerus="yes">
            <source>%n photo(s) need a decision. Drop photo files or folders here to import them; names like P00123_front.jpg find their patient.</source>
            <translation>
                <numerusform>%n Foto wartet auf eine Entscheidung. Fotodateien oder Ordner hierher ziehen, um sie zu importieren; Namen wie P00123_front.jpg finden ihre Patientin / ihren Patienten.</numerusform>
                <numerusform>%n Fotos warten auf eine Entscheidung. Fotodateien oder Ordner hierher ziehen, um sie zu importieren; Namen wie P00123_front.jpg finden ihre Patientin / ihren Patienten.</numerusform>
            </translation>
        </message>
        <message>
            <source>The inbox is empty. Drop photo files or folders here to import them; names like P00123_front.jpg or a folder named P00123 find their patient.</source>
            <translation>Der Foto-Eingang ist leer. Fotodateien oder Ordner hierher ziehen, um sie zu importieren; Namen wie P00123_front.jpg oder ein Ordner namens P00123 finden ihre Patientin / ihren Patienten.</translation>
        </message>
        <message>
            <source>Import photos</source>
            <translation>Fotos importieren</translation>
        </message>
        <message>
            <source>Import a folder of photos</source>
            <translation>Ordner mit Fotos importieren</translation>
        </message>
        <message>
            <source>Select a photo in the list first.</source>
            <translation>Bitte zuerst ein Foto in der Liste auswählen.</translation>
        </message>
        <message>
            <source>Not assigned: {reason}</source>
            <translation>Nicht zugeordnet: {reason}</translation>
        </message>
        <message>
            <source>{file}: this photo is already filed for {code}.</source>
            <translation>{file}: dieses Foto ist bei {code} schon abgelegt.</translation>
        </message>
        <message>
            <source>{file}: filed for {code} under step {order}.</source>
            <translation>{file}: bei {code} unter Schritt {order} abgelegt.</translation>
        </message>
        <message>
            <source>{file}: filed for {code}.</source>
            <translation>{file}: bei {code} abgelegt.</translation>
        </message>
        <message>
            <source>Select an item in the list first.</source>
            <translation>Bitte zuerst einen Eintrag in der Liste auswählen.</translation>
        </message>
        <message>
            <source>Photo held</source>
            <translation>Foto zurückgehalten</translation>
        </message>
        <message>
            <source>{file}: filed for {code} under step {order}, but held: {why}. The step waits until the photo is accepted or a better one arrives.

Accept this photo as it is?</source>
            <translation>{file}: für {code} unter Schritt {order} abgelegt, aber zurückgehalten: {why}. Der Schritt wartet, bis das Foto angenommen wird oder ein besseres kommt.

Dieses Foto so annehmen, wie es ist?</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Today</source>
            <translation>Heute</translation>
        </message>
        <message>
            <source>Patients</source>
            <translation>Patient/innen</translation>
        </message>
        <message>
            <source>Photo inbox</source>
            <translation>Foto-Eingang</translation>
        </message>
        <message>
            <source>Outbox</source>
            <translation>Postausgang</translation>
        </message>
        <message>
            <source>Plan templates</source>
            <translation>Planvorlagen</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <source>Views</source>
            <translation>Ansichten</translation>
        </message>
        <message>
            <source>Find patient</source>
            <translation>Patient/in suchen</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Hilfe</translation>
        </message>
        <message>
            <source>&amp;About Clinic Desktop</source>
            <translation>&amp;Über Clinic Desktop</translation>
        </message>
        <message>
            <source>Daily check</source>
            <translation>Tagesprüfung</translation>
        </message>
        <message>
            <source>About Clinic Desktop</source>
            <translation>Über Clinic Desktop</translation>
        </message>
        <message>
            <source>Clinic Desktop {version}

Treatment step plans, patient photos and step emails.

Data folder: {folder}</source>
            <translation>Clinic Desktop {version}

Behandlungspläne, Patientenfotos und E-Mails zu den Behandlungsschritten.

Datenordner: {folder}</translation>
        </message>
    </context>
    <context>
        <name>OutboxView</name>
        <message>
            <source>This email no longer exists.</source>
            <translation>Diese E-Mail gibt es nicht mehr.</translation>
        </message>
        <message>
            <source>sent</source>
            <translation>gesendet</translation>
        </message>
        <message>
            <source>will try again</source>
            <translation>wird erneut versucht</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>fehlgeschlagen</translation>
        </message>
        <message>
            <source>interrupted (the app quit)</source>
            <translation>unterbrochen (das Programm wurde beendet)</translation>
        </message>
        <message>
            <source>any date</source>
            <translation>jedes Datum</translation>
        </message>
        <message>
            <source>today</source>
            <translation>heute</translation>
        </message>
        <message>
            <source>last 7 days</source>
            <translation>letzte 7 Tage</translation>
        </message>
        <message>
            <source>last 30 days</source>
            <translation>letzte 30 Tage</translation>
        </message>
        <message>
            <source>Outbox and log</source>
            <translation>Postausgang und Protokoll</translation>
        </message>
        <message>
            <source>Sh&amp;ow:</source>
            <translation>&amp;Zeigen:</translation>
        </message>
        <message>
            <source>every email</source>
            <translation>alle E-Mails</translation>
        </message>
        <message>
            <source>Queued when</source>
            <translation>Eingestellt wann</translation>
        </message>
        <message>
            <source>Open &amp;patient</source>
            <translation>&amp;Patient/in öffnen</translation>
        </message>
        <message>
            <source>&amp;Retry</source>
            <translation>&amp;Erneut senden</translation>
        </message>
        <message>
            <source>Ca&amp;ncel email</source>
            <translation>E-Mail &amp;stornieren</translation>
        </message>
        <message>
            <source>Send no&amp;w</source>
            <translation>&amp;Jetzt senden</translation>
        </message>
        <message>
            <source>Send the selected email again ({keys})</source>
            <translation>Die ausgewählte E-Mail erneut senden ({keys})</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-Mail</translation>
        </message>
        <message>
            <source>Patient</source>
            <translation>Patient/in</translation>
        </message>
        <message>
            <source>To</source>
            <translation>An</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>Tries</source>
            <translation>Versuche</translation>
        </message>
        <message>
            <source>Subject</source>
            <translation>Betreff</translation>
        </message>
        <message>
            <source>Problem</source>
            <translation>Problem</translation>
        </message>
        <message>
            <source>Emails</source>
            <translation>E-Mails</translation>
        </message>
        <message>
            <source>The selected email</source>
            <translation>Die ausgewählte E-Mail</translation>
        </message>
        <message>
            <source>Select an email to see it exactly as sent, with every attempt.</source>
            <translation>Eine E-Mail auswählen, um sie genau so zu sehen, wie sie gesendet wurde – mit jedem Versuch.</translation>
        </message>
        <message numerus="yes">
            <source>The newest %n emails.</source>
            <translation>
                <numerusform>Die neueste E-Mail.</numerusform>
                <numerusform>Die neuesten %n E-Mails.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n email(s) with the status “{status}”, newest first.</source>
            <translation>
                <numerusform>%n E-Mail mit dem Status „{status}“, neueste zuerst.</numerusform>
                <numerusform>%n E-Mails mit dem Status „{status}“, neueste zuerst.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n email(s), newest first.</source>
            <translation>
                <numerusform>%n E-Mail, neueste zuerst.</numerusform>
                <numerusform>%n E-Mails, neueste zuerst.</numerusform>
            </translation>
        </message>
        <message>
            <source>No emails with the status “{status}” right now.</source>
            <translation>Zurzeit keine E-Mails mit dem Status „{status}“.</translation>
        </message>
        <message>
            <source>No emails yet. The daily check queues an email when a step is finished; every email, sent or not, then stays listed here.</source>
            <translation>Noch keine E-Mails. Die Tagesprüfung stellt eine E-Mail ein, wenn ein Schritt abgelaufen ist; jede E-Mail bleibt danach hier aufgeführt, ob gesendet oder nicht.</translation>
        </message>
        <message>
            <source>Select an email first.</source>
            <translation>Bitte zuerst eine E-Mail auswählen.</translation>
        </message>
        <message>
            <source>Sending</source>
            <translation>Versand</translation>
        </message>
        <message>
            <source>Select an email to a patient first.</source>
            <translation>Bitte zuerst eine E-Mail an eine Patientin / einen Patienten auswählen.</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>Erneut senden</translation>
        </message>
        <message>
            <source>The mail server refused the address for good:
{problem}

Sending to the same address will fail again. Correct {code}'s address first?</source>
            <translation>Der Mailserver hat die Adresse endgültig abgelehnt:
{problem}

An dieselbe Adresse zu senden, schlägt wieder fehl. Zuerst die Adresse von {code} korrigieren?</translation>
        </message>
        <message>
            <source>Sending: {summary}</source>
            <translation>Senden: {summary}</translation>
        </message>
        <message>
            <source>{kind} email, {status}</source>
            <translation>E-Mail „{kind}“, {status}</translation>
        </message>
        <message>
            <source>To: {name} &lt;{address}&gt;</source>
            <translation>An: {name} &lt;{address}&gt;</translation>
        </message>
        <message>
            <source>no address</source>
            <translation>keine Adresse</translation>
        </message>
        <message>
            <source>Subject: {subject}</source>
            <translation>Betreff: {subject}</translation>
        </message>
        <message>
            <source>Queued: {when}</source>
            <translation>Eingestellt: {when}</translation>
        </message>
        <message>
            <source>Sent: {when}</source>
            <translation>Gesendet: {when}</translation>
        </message>
        <message>
            <source>Problem: {problem}</source>
            <translation>Problem: {problem}</translation>
        </message>
        <message>
            <source>  {when} on this PC: {outcome}</source>
            <translation>  {when} auf diesem PC: {outcome}</translation>
        </message>
        <message>
            <source>  {when} on the PC named “{pc}”: {outcome}</source>
            <translation>  {when} auf dem PC „{pc}“: {outcome}</translation>
        </message>
        <message>
            <source>(the text is written when the email is sent)</source>
            <translation>(der Text entsteht beim Versand)</translation>
        </message>
    </context>
    <context>
        <name>PatientDialog</name>
        <message>
            <source>Edit patient</source>
            <translation>Patient/in bearbeiten</translation>
        </message>
        <message>
            <source>Add patient</source>
            <translation>Patient/in anlegen</translation>
        </message>
        <message>
            <source>e.g. P00123</source>
            <translation>z. B. P00123</translation>
        </message>
        <message>
            <source>The patient agreed to receive &amp;emails</source>
            <translation>Die Patientin / der Patient ist mit &amp;E-Mails einverstanden</translation>
        </message>
        <message>
            <source>&amp;Code</source>
            <translation>&amp;Nummer</translation>
        </message>
        <message>
            <source>&amp;First name</source>
            <translation>&amp;Vorname</translation>
        </message>
        <message>
            <source>&amp;Last name</source>
            <translation>Nachn&amp;ame</translation>
        </message>
        <message>
            <source>E&amp;mail</source>
            <translation>E-&amp;Mail</translation>
        </message>
        <message>
            <source>&amp;Phone</source>
            <translation>&amp;Telefon</translation>
        </message>
        <message>
            <source>Email lan&amp;guage</source>
            <translation>&amp;Sprache der E-Mails</translation>
        </message>
        <message>
            <source>&amp;Doctor</source>
            <translation>&amp;Ärztin/Arzt</translation>
        </message>
        <message>
            <source>Doctor</source>
            <translation>Ärztin/Arzt</translation>
        </message>
        <message>
            <source>Loading the patient…</source>
            <translation>Patient/in wird geladen …</translation>
        </message>
        <message>
            <source>Loading the doctors…</source>
            <translation>Die Ärztinnen und Ärzte werden geladen …</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Wird gespeichert …</translation>
        </message>
    </context>
    <context>
        <name>PatientListModel</name>
        <message>
            <source>Code</source>
            <translation>Nummer</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-Mail</translation>
        </message>
        <message>
            <source>Phone</source>
            <translation>Telefon</translation>
        </message>
        <message>
            <source>Doctor</source>
            <translation>Ärztin/Arzt</translation>
        </message>
        <message>
            <source>Active step</source>
            <translation>Aktiver Schritt</translation>
        </message>
        <message>
            <source>Due</source>
            <translation>Fällig</translation>
        </message>
    </context>
    <context>
        <name>PatientView</name>
        <message>
            <source>Chan&amp;ge address…</source>
            <translation>Adresse ä&amp;ndern …</translation>
        </message>
        <message>
            <source>Correct the patient's email address</source>
            <translation>Die E-Mail-Adresse der Patientin / des Patienten korrigieren</translation>
        </message>
        <message>
            <source>C&amp;onfirm address</source>
            <translation>Adresse bestäti&amp;gen</translation>
        </message>
        <message>
            <source>The address is right (checked with the patient): send to it again</source>
            <translation>Die Adresse stimmt (mit der Patientin / dem Patienten geprüft): wieder an sie senden</translation>
        </message>
        <message>
            <source>Emails to {address} come back undeliverable ({reason}), so none are sent. Check the address with the patient, then change it or confirm it.</source>
            <translation>E-Mails an {address} kommen als unzustellbar zurück ({reason}), daher wird keine gesendet. Prüfen Sie die Adresse mit der Patientin / dem Patienten und ändern oder bestätigen Sie sie dann.</translation>
        </message>
        <message>
            <source>The address is confirmed: emails go to it again. Those held meanwhile can be sent from the Outbox (Retry).</source>
            <translation>Die Adresse ist bestätigt: E-Mails gehen wieder an sie. Die inzwischen zurückgehaltenen können im Postausgang gesendet werden (Erneut senden).</translation>
        </message>
        <message>
            <source>← Pa&amp;tients</source>
            <translation>← Pa&amp;tient/innen</translation>
        </message>
        <message>
            <source>Back to the patients</source>
            <translation>Zurück zu den Patient/innen</translation>
        </message>
        <message>
            <source>&amp;Edit…</source>
            <translation>&amp;Bearbeiten …</translation>
        </message>
        <message>
            <source>Apply p&amp;lan…</source>
            <translation>P&amp;lan anwenden …</translation>
        </message>
        <message>
            <source>&amp;Import photos…</source>
            <translation>Fotos &amp;importieren …</translation>
        </message>
        <message>
            <source>Step</source>
            <translation>Schritt</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>Beginn</translation>
        </message>
        <message>
            <source>Due</source>
            <translation>Fällig</translation>
        </message>
        <message>
            <source>State</source>
            <translation>Stand</translation>
        </message>
        <message>
            <source>Days late</source>
            <translation>Tage überfällig</translation>
        </message>
        <message>
            <source>Plan</source>
            <translation>Plan</translation>
        </message>
        <message>
            <source>Steps of the plan</source>
            <translation>Schritte des Plans</translation>
        </message>
        <message>
            <source>Drop photo files on a step to file them under it: the active step (it completes when its time is up) or an earlier one (kept as a record; nothing else changes). Dropped anywhere else on this page they go to the active step.</source>
            <translation>Fotodateien auf einen Schritt ziehen, um sie dort abzulegen: beim aktiven Schritt (er wird abgeschlossen, wenn seine Zeit um ist) oder bei einem früheren (zur Dokumentation; sonst ändert sich nichts). Irgendwo anders auf dieser Seite abgelegt, gehen sie zum aktiven Schritt.</translation>
        </message>
        <message>
            <source>&amp;Complete now</source>
            <translation>Jetzt abs&amp;chließen</translation>
        </message>
        <message>
            <source>Complete the active step today and start the next one</source>
            <translation>Den aktiven Schritt heute abschließen und den nächsten beginnen</translation>
        </message>
        <message>
            <source>S&amp;kip</source>
            <translation>Übers&amp;pringen</translation>
        </message>
        <message>
            <source>Skip the selected step (or the active one)</source>
            <translation>Den ausgewählten (oder den aktiven) Schritt überspringen</translation>
        </message>
        <message>
            <source>&amp;Pause…</source>
            <translation>Pa&amp;usieren …</translation>
        </message>
        <message>
            <source>Pause the active step until a date; its due date moves</source>
            <translation>Den aktiven Schritt bis zu einem Datum pausieren; sein Fälligkeitsdatum verschiebt sich</translation>
        </message>
        <message>
            <source>Res&amp;ume</source>
            <translation>&amp;Fortsetzen</translation>
        </message>
        <message>
            <source>End the pause today</source>
            <translation>Die Pause heute beenden</translation>
        </message>
        <message>
            <source>&amp;Duration…</source>
            <translation>&amp;Dauer …</translation>
        </message>
        <message>
            <source>Change the selected step's duration</source>
            <translation>Die Dauer des ausgewählten Schritts ändern</translation>
        </message>
        <message>
            <source>&amp;Move…</source>
            <translation>&amp;Verschieben …</translation>
        </message>
        <message>
            <source>Move a step that has not started</source>
            <translation>Einen Schritt verschieben, der noch nicht begonnen hat</translation>
        </message>
        <message>
            <source>&amp;Add step…</source>
            <translation>Schritt &amp;hinzufügen …</translation>
        </message>
        <message>
            <source>Add a step at the end</source>
            <translation>Einen Schritt am Ende anfügen</translation>
        </message>
        <message>
            <source>U&amp;ndo last progression</source>
            <translation>Letzten Fortschritt &amp;rückgängig</translation>
        </message>
        <message>
            <source>Make the previous step active again</source>
            <translation>Den vorigen Schritt wieder aktiv machen</translation>
        </message>
        <message>
            <source>Send photo &amp;reminder</source>
            <translation>Foto-&amp;Erinnerung senden</translation>
        </message>
        <message>
            <source>Queue a photo reminder email now</source>
            <translation>Jetzt eine Foto-Erinnerung per E-Mail einstellen</translation>
        </message>
        <message>
            <source>&amp;Steps</source>
            <translation>&amp;Schritte</translation>
        </message>
        <message>
            <source>P&amp;hotos</source>
            <translation>F&amp;otos</translation>
        </message>
        <message>
            <source>Queued</source>
            <translation>Eingestellt</translation>
        </message>
        <message>
            <source>Email</source>
            <translation>E-Mail</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>To</source>
            <translation>An</translation>
        </message>
        <message>
            <source>Subject</source>
            <translation>Betreff</translation>
        </message>
        <message>
            <source>Emails to this patient</source>
            <translation>E-Mails an diese Patientin / diesen Patienten</translation>
        </message>
        <message>
            <source>The selected email</source>
            <translation>Die ausgewählte E-Mail</translation>
        </message>
        <message>
            <source>E&amp;mails</source>
            <translation>E-&amp;Mails</translation>
        </message>
        <message>
            <source>When</source>
            <translation>Wann</translation>
        </message>
        <message>
            <source>Who</source>
            <translation>Wer</translation>
        </message>
        <message>
            <source>PC</source>
            <translation>PC</translation>
        </message>
        <message>
            <source>What</source>
            <translation>Was</translation>
        </message>
        <message>
            <source>Detail</source>
            <translation>Einzelheiten</translation>
        </message>
        <message>
            <source>History of this patient</source>
            <translation>Verlauf dieser Patientin / dieses Patienten</translation>
        </message>
        <message>
            <source>Histor&amp;y</source>
            <translation>Verl&amp;auf</translation>
        </message>
        <message>
            <source>no email address</source>
            <translation>keine E-Mail-Adresse</translation>
        </message>
        <message>
            <source>emails allowed</source>
            <translation>E-Mails erlaubt</translation>
        </message>
        <message>
            <source>no email consent</source>
            <translation>keine Einwilligung für E-Mails</translation>
        </message>
        <message>
            <source>emails in {language}</source>
            <translation>E-Mails auf {language}</translation>
        </message>
        <message>
            <source>doctor: {name}</source>
            <translation>Ärztin/Arzt: {name}</translation>
        </message>
        <message>
            <source>no doctor</source>
            <translation>keine Ärztin/kein Arzt</translation>
        </message>
        <message>
            <source>The plan is finished.</source>
            <translation>Der Plan ist abgeschlossen.</translation>
        </message>
        <message>
            <source>Step completed; the next step starts today.</source>
            <translation>Schritt abgeschlossen; der nächste Schritt beginnt heute.</translation>
        </message>
        <message>
            <source>Pause step {order} – {name}</source>
            <translation>Schritt {order} – {name} pausieren</translation>
        </message>
        <message>
            <source>Pause the active step</source>
            <translation>Aktiven Schritt pausieren</translation>
        </message>
        <message>
            <source>Pause &amp;until:</source>
            <translation>Pausieren &amp;bis:</translation>
        </message>
        <message>
            <source>Paused until {day}: the due date moves on by the days paused.</source>
            <translation>Pausiert bis {day}: das Fälligkeitsdatum verschiebt sich um die pausierten Tage.</translation>
        </message>
        <message>
            <source>Step duration</source>
            <translation>Dauer des Schritts</translation>
        </message>
        <message>
            <source>Days:</source>
            <translation>Tage:</translation>
        </message>
        <message>
            <source>Select the step to move first.</source>
            <translation>Bitte zuerst den zu verschiebenden Schritt auswählen.</translation>
        </message>
        <message>
            <source>Move step</source>
            <translation>Schritt verschieben</translation>
        </message>
        <message>
            <source>New position among the steps that have not started (1 = next):</source>
            <translation>Neue Position unter den noch nicht begonnenen Schritten (1 = als nächster):</translation>
        </message>
        <message>
            <source>Step {order} is active again.</source>
            <translation>Schritt {order} ist wieder aktiv.</translation>
        </message>
        <message>
            <source>Photo reminder</source>
            <translation>Foto-Erinnerung</translation>
        </message>
        <message>
            <source>Step {order} is paused. Send a photo reminder all the same?</source>
            <translation>Schritt {order} ist pausiert. Trotzdem eine Foto-Erinnerung senden?</translation>
        </message>
        <message>
            <source>There are no plan templates yet: make one in the Plan templates view.</source>
            <translation>Es gibt noch keine Planvorlagen: bitte eine in der Ansicht Planvorlagen anlegen.</translation>
        </message>
        <message>
            <source>Plan “{name}” applied from {day}.</source>
            <translation>Plan „{name}“ ab {day} angewendet.</translation>
        </message>
        <message>
            <source>Photos for {code}</source>
            <translation>Fotos für {code}</translation>
        </message>
        <message>
            <source>Loading {code}…</source>
            <translation>{code} wird geladen …</translation>
        </message>
    </context>
    <context>
        <name>PatientsView</name>
        <message>
            <source>Patients</source>
            <translation>Patient/innen</translation>
        </message>
        <message>
            <source>&amp;Add patient…</source>
            <translation>Patient/in &amp;anlegen …</translation>
        </message>
        <message>
            <source>&amp;Import CSV…</source>
            <translation>CSV &amp;importieren …</translation>
        </message>
        <message>
            <source>E&amp;xport CSV…</source>
            <translation>CSV e&amp;xportieren …</translation>
        </message>
        <message>
            <source>&amp;Find:</source>
            <translation>&amp;Suchen:</translation>
        </message>
        <message>
            <source>code, name, email or phone (Down: into the list)</source>
            <translation>Nummer, Name, E-Mail oder Telefon (Pfeil nach unten: in die Liste)</translation>
        </message>
        <message>
            <source>Patients found</source>
            <translation>Gefundene Patient/innen</translation>
        </message>
        <message>
            <source>No patients yet: add one with Add patient…, or bring your list in with Import CSV….</source>
            <translation>Noch keine Patient/innen: mit „Patient/in anlegen …“ eine/n anlegen oder die eigene Liste mit „CSV importieren …“ übernehmen.</translation>
        </message>
        <message>
            <source>No patient matches “{text}”.</source>
            <translation>Keine Patientin und kein Patient passt zu „{text}“.</translation>
        </message>
        <message numerus="yes">
            <source>%n patient(s)</source>
            <translation>
                <numerusform>%n Patient/in</numerusform>
                <numerusform>%n Patient/innen</numerusform>
            </translation>
        </message>
        <message>
            <source>Import patients</source>
            <translation>Patient/innen importieren</translation>
        </message>
        <message>
            <source>CSV files (*.csv);;All files (*)</source>
            <translation>CSV-Dateien (*.csv);;Alle Dateien (*)</translation>
        </message>
        <message>
            <source>line {number}: {problem}</source>
            <translation>Zeile {number}: {problem}</translation>
        </message>
        <message numerus="yes">
            <source>… and %n more</source>
            <translation>
                <numerusform>… und %n weitere</numerusform>
                <numerusform>… und %n weitere</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Nothing was imported: %n row(s) need fixing first.</source>
            <translation>
                <numerusform>Nichts wurde importiert: %n Zeile muss zuerst korrigiert werden.</numerusform>
                <numerusform>Nichts wurde importiert: %n Zeilen müssen zuerst korrigiert werden.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Imported %n patient(s).</source>
            <translation>
                <numerusform>%n Patient/in importiert.</numerusform>
                <numerusform>%n Patient/innen importiert.</numerusform>
            </translation>
        </message>
        <message>
            <source>Export patients</source>
            <translation>Patient/innen exportieren</translation>
        </message>
        <message>
            <source>patients.csv</source>
            <translation>patienten.csv</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>CSV-Dateien (*.csv)</translation>
        </message>
        <message numerus="yes">
            <source>Exported %n patient(s) to {path}.</source>
            <translation>
                <numerusform>%n Patient/in nach {path} exportiert.</numerusform>
                <numerusform>%n Patient/innen nach {path} exportiert.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>PhotoTimeline</name>
        <message>
            <source>✉ the patient sent it by email</source>
            <translation>✉ per E-Mail von der Patientin / dem Patienten gesendet</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>&amp;Ansehen</translation>
        </message>
        <message>
            <source>C&amp;ompare</source>
            <translation>&amp;Vergleichen</translation>
        </message>
        <message>
            <source>&amp;First ↔ latest</source>
            <translation>&amp;Erstes ↔ neuestes</translation>
        </message>
        <message>
            <source>PDF &amp;report…</source>
            <translation>&amp;PDF-Bericht …</translation>
        </message>
        <message>
            <source>Photos of: {heading}</source>
            <translation>Fotos von: {heading}</translation>
        </message>
        <message>
            <source>✓ this photo completed the step</source>
            <translation>✓ dieses Foto hat den Schritt abgeschlossen</translation>
        </message>
        <message numerus="yes">
            <source>%n photo(s) in {groups} step group(s). Double-click to view; Ctrl+click two (in any steps) and press Compare.</source>
            <translation>
                <numerusform>%n Foto in {groups} Schrittgruppe(n). Doppelklick zum Ansehen; zwei mit Strg+Klick wählen (in beliebigen Schritten) und auf Vergleichen klicken.</numerusform>
                <numerusform>%n Fotos in {groups} Schrittgruppe(n). Doppelklick zum Ansehen; zwei mit Strg+Klick wählen (in beliebigen Schritten) und auf Vergleichen klicken.</numerusform>
            </translation>
        </message>
        <message>
            <source>No photos yet. Drop photo files here or use Import photos…</source>
            <translation>Noch keine Fotos. Fotodateien hierher ziehen oder „Fotos importieren …“ verwenden.</translation>
        </message>
        <message>
            <source>Select exactly two photos to compare (Ctrl+click).</source>
            <translation>Zum Vergleichen genau zwei Fotos auswählen (Strg+Klick).</translation>
        </message>
        <message>
            <source>Comparing needs at least two photos.</source>
            <translation>Zum Vergleichen braucht es mindestens zwei Fotos.</translation>
        </message>
        <message>
            <source>There are no photos to put in a report.</source>
            <translation>Es gibt keine Fotos für einen Bericht.</translation>
        </message>
        <message>
            <source>Progress report</source>
            <translation>Verlaufsbericht</translation>
        </message>
        <message>
            <source>progress-report.pdf</source>
            <translation>verlaufsbericht.pdf</translation>
        </message>
        <message numerus="yes">
            <source>Report written: {path} (%n page(s)).</source>
            <translation>
                <numerusform>Bericht gespeichert: {path} (%n Seite).</numerusform>
                <numerusform>Bericht gespeichert: {path} (%n Seiten).</numerusform>
            </translation>
        </message>
        <message>
            <source>⚠ held: {why}</source>
            <translation>⚠ zurückgehalten: {why}</translation>
        </message>
        <message>
            <source>⚠ The photo of {day} is held: {why}. Step {order} waits for it to be accepted or for a better one.</source>
            <translation>⚠ Das Foto vom {day} ist zurückgehalten: {why}. Schritt {order} wartet, bis es angenommen wird oder ein besseres kommt.</translation>
        </message>
        <message>
            <source>Accept as it is</source>
            <translation>So annehmen</translation>
        </message>
        <message>
            <source>The photo is good enough: its step goes on as if it had passed the check</source>
            <translation>Das Foto ist gut genug: sein Schritt geht weiter, als hätte es die Prüfung bestanden</translation>
        </message>
        <message>
            <source>Ask for a better photo</source>
            <translation>Um ein besseres Foto bitten</translation>
        </message>
        <message>
            <source>Better photo asked for</source>
            <translation>Um ein besseres Foto gebeten</translation>
        </message>
        <message>
            <source>Email the patient asking for a new photo, with the reason in plain words</source>
            <translation>Per E-Mail um ein neues Foto bitten, mit dem Grund in einfachen Worten</translation>
        </message>
        <message>
            <source>View of the teeth</source>
            <translation>Ansicht der Zähne</translation>
        </message>
        <message>
            <source>This photo shows</source>
            <translation>Dieses Foto zeigt</translation>
        </message>
        <message>
            <source>not known</source>
            <translation>unbekannt</translation>
        </message>
    </context>
    <context>
        <name>PhotoViewer</name>
        <message>
            <source>&amp;Zoom</source>
            <translation>&amp;Zoom</translation>
        </message>
    </context>
    <context>
        <name>PlansView</name>
        <message>
            <source>&amp;Edit…</source>
            <translation>&amp;Bearbeiten …</translation>
        </message>
        <message>
            <source>D&amp;uplicate…</source>
            <translation>&amp;Duplizieren …</translation>
        </message>
        <message>
            <source>&amp;Delete…</source>
            <translation>&amp;Löschen …</translation>
        </message>
        <message>
            <source>Plan templates</source>
            <translation>Planvorlagen</translation>
        </message>
        <message>
            <source>&amp;New template…</source>
            <translation>&amp;Neue Vorlage …</translation>
        </message>
        <message>
            <source>A template is applied to a patient from the patient's page (Apply plan…); its first step starts on the chosen day.</source>
            <translation>Eine Vorlage wird auf der Seite der Patientin / des Patienten angewendet („Plan anwenden …“); ihr erster Schritt beginnt am gewählten Tag.</translation>
        </message>
        <message>
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>Steps</source>
            <translation>Schritte</translation>
        </message>
        <message>
            <source>Total days</source>
            <translation>Tage insgesamt</translation>
        </message>
        <message>
            <source>Description</source>
            <translation>Beschreibung</translation>
        </message>
        <message>
            <source>Step</source>
            <translation>Schritt</translation>
        </message>
        <message>
            <source>Days</source>
            <translation>Tage</translation>
        </message>
        <message>
            <source>Instructions</source>
            <translation>Anleitung</translation>
        </message>
        <message>
            <source>Steps of the selected template</source>
            <translation>Schritte der ausgewählten Vorlage</translation>
        </message>
        <message numerus="yes">
            <source>%n step(s), {days} days in all</source>
            <translation>
                <numerusform>%n Schritt, insgesamt {days} Tage</numerusform>
                <numerusform>%n Schritte, insgesamt {days} Tage</numerusform>
            </translation>
        </message>
        <message>
            <source>No plan templates yet. Make one with New template…: a name, a number of steps and their days.</source>
            <translation>Noch keine Planvorlagen. Mit „Neue Vorlage …“ eine anlegen: ein Name, die Anzahl der Schritte und ihre Tage.</translation>
        </message>
        <message>
            <source>Steps of “{name}”: {summary}</source>
            <translation>Schritte von „{name}“: {summary}</translation>
        </message>
        <message>
            <source>Delete plan template</source>
            <translation>Planvorlage löschen</translation>
        </message>
        <message>
            <source>Delete the plan template “{name}” ({summary})?

Patients who already have this plan keep their steps; it can no longer be applied to anyone else.</source>
            <translation>Die Planvorlage „{name}“ ({summary}) löschen?

Patient/innen, die diesen Plan schon haben, behalten ihre Schritte; er kann danach niemandem mehr zugewiesen werden.</translation>
        </message>
        <message>
            <source>Loading the plan templates…</source>
            <translation>Die Planvorlagen werden geladen …</translation>
        </message>
    </context>
    <context>
        <name>SettingsView</name>
        <message>
            <source>Patients' replies (the clinic's mailbox)</source>
            <translation>Antworten der Patient/innen (Postfach der Praxis)</translation>
        </message>
        <message>
            <source>Mailbox server (empty: replies are not read)</source>
            <translation>Postfach-Server (leer: Antworten werden nicht gelesen)</translation>
        </message>
        <message>
            <source>Port of the mailbox server</source>
            <translation>Port des Postfach-Servers</translation>
        </message>
        <message>
            <source>Encryption of the mailbox connection</source>
            <translation>Verschlüsselung der Postfach-Verbindung</translation>
        </message>
        <message>
            <source>Mailbox account (user name)</source>
            <translation>Postfach-Konto (Benutzername)</translation>
        </message>
        <message>
            <source>Folder that is read</source>
            <translation>Ordner, der gelesen wird</translation>
        </message>
        <message>
            <source>Folder read mail is moved to (never deleted)</source>
            <translation>Ordner, in den gelesene E-Mails verschoben werden (nie gelöscht)</translation>
        </message>
        <message>
            <source>e.g. imap.gmail.com, or empty</source>
            <translation>z. B. imap.gmail.com, oder leer</translation>
        </message>
        <message>
            <source>e.g. replies@clinic.example</source>
            <translation>z. B. antworten@praxis.example</translation>
        </message>
        <message>
            <source>TLS from the start (usually port 993)</source>
            <translation>TLS von Anfang an (meist Port 993)</translation>
        </message>
        <message>
            <source>STARTTLS (usually port 143)</source>
            <translation>STARTTLS (meist Port 143)</translation>
        </message>
        <message>
            <source>Mailbo&amp;x password (kept in the system keyring, never shown again)</source>
            <translation>&amp;Postfach-Passwort (in der Schlüsselverwaltung des Systems, wird nie wieder angezeigt)</translation>
        </message>
        <message>
            <source>Test the ma&amp;ilbox</source>
            <translation>Postfach prüfe&amp;n</translation>
        </message>
        <message>
            <source>Save, then connect, log in and open the folder</source>
            <translation>Speichern, dann verbinden, anmelden und den Ordner öffnen</translation>
        </message>
        <message>
            <source>Connecting to the mailbox…</source>
            <translation>Verbindung zum Postfach …</translation>
        </message>
        <message>
            <source>Mailbox test</source>
            <translation>Postfach-Test</translation>
        </message>
        <message>
            <source>Clinic</source>
            <translation>Praxis</translation>
        </message>
        <message>
            <source>Daily check and sending</source>
            <translation>Tagesprüfung und Versand</translation>
        </message>
        <message>
            <source>Mail server</source>
            <translation>Mailserver</translation>
        </message>
        <message>
            <source>Notifications</source>
            <translation>Benachrichtigungen</translation>
        </message>
        <message>
            <source>Photos</source>
            <translation>Fotos</translation>
        </message>
        <message>
            <source>The clinic's name, shown in emails</source>
            <translation>Name der Praxis, erscheint in den E-Mails</translation>
        </message>
        <message>
            <source>Phone number patients can call</source>
            <translation>Telefonnummer für Patient/innen</translation>
        </message>
        <message>
            <source>Address patients can write to</source>
            <translation>E-Mail-Adresse für Patient/innen</translation>
        </message>
        <message>
            <source>Postal address, shown in email footers</source>
            <translation>Postanschrift, erscheint in der Fußzeile der E-Mails</translation>
        </message>
        <message>
            <source>Logo at the top of emails (PNG or JPEG, at most 1 MB; empty: no logo)</source>
            <translation>Logo oben in den E-Mails (PNG oder JPEG, höchstens 1 MB; leer: kein Logo)</translation>
        </message>
        <message>
            <source>Time zone of the clinic (for 'today' and the daily check)</source>
            <translation>Zeitzone der Praxis (für „heute“ und die Tagesprüfung)</translation>
        </message>
        <message>
            <source>Language of the app (used from the next start)</source>
            <translation>Sprache des Programms (gilt ab dem nächsten Start)</translation>
        </message>
        <message>
            <source>Time of the daily check for finished steps</source>
            <translation>Uhrzeit der Tagesprüfung auf abgelaufene Schritte</translation>
        </message>
        <message>
            <source>The daily check also starts the next step without waiting for a photo</source>
            <translation>Die Tagesprüfung beginnt den nächsten Schritt auch ohne Foto</translation>
        </message>
        <message>
            <source>Emails are sent from this time (empty: any time)</source>
            <translation>E-Mails werden ab dieser Uhrzeit gesendet (leer: jederzeit)</translation>
        </message>
        <message>
            <source>Emails are sent until this time (empty: any time)</source>
            <translation>E-Mails werden bis zu dieser Uhrzeit gesendet (leer: jederzeit)</translation>
        </message>
        <message>
            <source>Port of the mail server</source>
            <translation>Port des Mailservers</translation>
        </message>
        <message>
            <source>Encryption</source>
            <translation>Verschlüsselung</translation>
        </message>
        <message>
            <source>Mail account (user name)</source>
            <translation>E-Mail-Konto (Benutzername)</translation>
        </message>
        <message>
            <source>Sender address of patient emails</source>
            <translation>Absenderadresse der E-Mails an Patient/innen</translation>
        </message>
        <message>
            <source>Where patients' replies go (empty: the sender address)</source>
            <translation>Wohin Antworten der Patient/innen gehen (leer: an die Absenderadresse)</translation>
        </message>
        <message>
            <source>Extra certificate to trust (only for an in-house mail server)</source>
            <translation>Zusätzliches vertrauenswürdiges Zertifikat (nur für einen eigenen Mailserver)</translation>
        </message>
        <message>
            <source>Seconds to wait for the mail server</source>
            <translation>Sekunden Wartezeit auf den Mailserver</translation>
        </message>
        <message>
            <source>At most this many emails a minute (Gmail and Microsoft 365: about 30)</source>
            <translation>Höchstens so viele E-Mails pro Minute (Gmail und Microsoft 365: etwa 30)</translation>
        </message>
        <message>
            <source>Give up on an email after this many temporary failures</source>
            <translation>Eine E-Mail nach so vielen vorübergehenden Fehlern aufgeben</translation>
        </message>
        <message>
            <source>Doctors hear about progress by</source>
            <translation>Ärztinnen und Ärzte erfahren vom Fortschritt durch</translation>
        </message>
        <message>
            <source>Remind a patient about the photo after this many days</source>
            <translation>Nach so vielen Tagen an das Foto erinnern</translation>
        </message>
        <message>
            <source>At most this many photo reminders per step (0: none)</source>
            <translation>Höchstens so viele Foto-Erinnerungen pro Schritt (0: keine)</translation>
        </message>
        <message>
            <source>Where patients can opt out of emails (address or link)</source>
            <translation>Wo sich Patient/innen von E-Mails abmelden können (Adresse oder Link)</translation>
        </message>
        <message>
            <source>A step counts as late this many days after its due date</source>
            <translation>Ein Schritt gilt so viele Tage nach seiner Fälligkeit als überfällig</translation>
        </message>
        <message>
            <source>Language of emails to doctors (patients get their own)</source>
            <translation>Sprache der E-Mails an Ärztinnen und Ärzte (Patient/innen erhalten ihre eigene)</translation>
        </message>
        <message>
            <source>Column separator of exported CSV files</source>
            <translation>Spaltentrenner exportierter CSV-Dateien</translation>
        </message>
        <message>
            <source>Where imported photos are kept (empty: the data folder; may be a network share)</source>
            <translation>Ablage der importierten Fotos (leer: der Datenordner; darf eine Netzwerkfreigabe sein)</translation>
        </message>
        <message>
            <source>Folders watched for new photos (separated by ;)</source>
            <translation>Auf neue Fotos überwachte Ordner (getrennt durch ;)</translation>
        </message>
        <message>
            <source>A watched photo, once imported</source>
            <translation>Ein überwachtes Foto wird nach dem Import</translation>
        </message>
        <message>
            <source>Seconds between looks into the watched folders</source>
            <translation>Sekunden zwischen zwei Blicken in die überwachten Ordner</translation>
        </message>
        <message>
            <source>Seconds a file must stay unchanged before it is taken</source>
            <translation>Sekunden, die eine Datei unverändert bleiben muss, bevor sie übernommen wird</translation>
        </message>
        <message>
            <source>Larger photos are refused (megapixels)</source>
            <translation>Größere Fotos werden abgelehnt (Megapixel)</translation>
        </message>
        <message>
            <source>How a patient code is found in a file or folder name (regular expression)</source>
            <translation>Wie eine Patientennummer in einem Datei- oder Ordnernamen gefunden wird (regulärer Ausdruck)</translation>
        </message>
        <message>
            <source>e.g. reception@clinic.example</source>
            <translation>z. B. empfang@praxis.example</translation>
        </message>
        <message>
            <source>a PNG or JPEG file, or empty</source>
            <translation>eine PNG- oder JPEG-Datei, oder leer</translation>
        </message>
        <message>
            <source>e.g. Europe/Berlin</source>
            <translation>z. B. Europe/Berlin</translation>
        </message>
        <message>
            <source>e.g. 09:00</source>
            <translation>z. B. 09:00</translation>
        </message>
        <message>
            <source>e.g. 08:00, or empty</source>
            <translation>z. B. 08:00, oder leer</translation>
        </message>
        <message>
            <source>e.g. 18:00, or empty</source>
            <translation>z. B. 18:00, oder leer</translation>
        </message>
        <message>
            <source>e.g. smtp.office365.com</source>
            <translation>z. B. smtp.office365.com</translation>
        </message>
        <message>
            <source>an email address, or empty</source>
            <translation>eine E-Mail-Adresse, oder leer</translation>
        </message>
        <message>
            <source>a PEM certificate file, or empty</source>
            <translation>eine PEM-Zertifikatsdatei, oder leer</translation>
        </message>
        <message>
            <source>mailto:… or https://…, or empty</source>
            <translation>mailto:… oder https://…, oder leer</translation>
        </message>
        <message>
            <source>a folder, or empty</source>
            <translation>ein Ordner, oder leer</translation>
        </message>
        <message>
            <source>folders separated by ;</source>
            <translation>Ordner, getrennt durch ;</translation>
        </message>
        <message>
            <source>Images (*.png *.jpg *.jpeg)</source>
            <translation>Bilder (*.png *.jpg *.jpeg)</translation>
        </message>
        <message>
            <source>Certificates (*.pem *.crt *.cer)</source>
            <translation>Zertifikate (*.pem *.crt *.cer)</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <source>Email templates</source>
            <translation>E-Mail-Vorlagen</translation>
        </message>
        <message>
            <source>Doctors</source>
            <translation>Ärztinnen und Ärzte</translation>
        </message>
        <message>
            <source>Backups</source>
            <translation>Sicherungen</translation>
        </message>
        <message>
            <source>This PC</source>
            <translation>Dieser PC</translation>
        </message>
        <message>
            <source>leave empty to keep the stored password</source>
            <translation>leer lassen, um das gespeicherte Passwort zu behalten</translation>
        </message>
        <message>
            <source>Pass&amp;word (kept in the system keyring, never shown again)</source>
            <translation>Pass&amp;wort (in der Schlüsselverwaltung des Systems, wird nie wieder angezeigt)</translation>
        </message>
        <message>
            <source>send the test email to…</source>
            <translation>Test-E-Mail senden an …</translation>
        </message>
        <message>
            <source>Address for the test email</source>
            <translation>Adresse für die Test-E-Mail</translation>
        </message>
        <message>
            <source>Send &amp;test email</source>
            <translation>&amp;Test-E-Mail senden</translation>
        </message>
        <message>
            <source>Sa&amp;ve settings</source>
            <translation>Einstellungen &amp;speichern</translation>
        </message>
        <message>
            <source>This PC cannot keep the password safe (its password store does not encrypt, or there is none): ask your IT contact; the details are in the log file.</source>
            <translation>Dieser PC kann das Passwort nicht sicher aufbewahren (seine Schlüsselverwaltung verschlüsselt nicht, oder es gibt keine): bitte an die IT-Betreuung wenden; die Einzelheiten stehen in der Protokolldatei.</translation>
        </message>
        <message>
            <source>A password is stored for this account.</source>
            <translation>Für dieses Konto ist ein Passwort gespeichert.</translation>
        </message>
        <message>
            <source>No password is stored yet.</source>
            <translation>Noch kein Passwort gespeichert.</translation>
        </message>
        <message>
            <source>Choose: {setting}</source>
            <translation>Auswählen: {setting}</translation>
        </message>
        <message numerus="yes">
            <source>Not saved: %n field(s) need fixing (in red).</source>
            <translation>
                <numerusform>Nicht gespeichert: %n Feld muss korrigiert werden (rot).</numerusform>
                <numerusform>Nicht gespeichert: %n Felder müssen korrigiert werden (rot).</numerusform>
            </translation>
        </message>
        <message>
            <source>Settings saved.</source>
            <translation>Einstellungen gespeichert.</translation>
        </message>
        <message>
            <source>Connecting to the mail server…</source>
            <translation>Verbindung zum Mailserver …</translation>
        </message>
        <message>
            <source>Test email</source>
            <translation>Test-E-Mail</translation>
        </message>
        <message>
            <source>The test failed.</source>
            <translation>Der Test ist fehlgeschlagen.</translation>
        </message>
        <message>
            <source>Doctors get progress emails (per event or a daily digest, see Notifications). A doctor without an email address gets none.</source>
            <translation>Ärztinnen und Ärzte erhalten E-Mails zum Fortschritt (einzeln oder als tägliche Zusammenfassung, siehe Benachrichtigungen). Ohne E-Mail-Adresse gibt es keine.</translation>
        </message>
        <message>
            <source>&amp;Add doctor…</source>
            <translation>Ärztin/Arzt &amp;hinzufügen …</translation>
        </message>
        <message>
            <source>No doctors yet.</source>
            <translation>Noch keine Ärztinnen und Ärzte.</translation>
        </message>
        <message>
            <source>Add doctor</source>
            <translation>Ärztin/Arzt hinzufügen</translation>
        </message>
        <message>
            <source>Name:</source>
            <translation>Name:</translation>
        </message>
        <message>
            <source>Email (may be empty):</source>
            <translation>E-Mail (darf leer sein):</translation>
        </message>
        <message>
            <source>These choices are for this PC and this Windows user only.</source>
            <translation>Diese Einstellungen gelten nur für diesen PC und diese Windows-Anmeldung.</translation>
        </message>
        <message>
            <source>&amp;Closing the window keeps the notifier running in the notification area</source>
            <translation>Beim &amp;Schließen des Fensters läuft der Benachrichtigungsdienst im Infobereich weiter</translation>
        </message>
        <message>
            <source>&amp;Start the notifier when I log in to this PC</source>
            <translation>Benachrichtigungsdienst beim &amp;Anmelden an diesem PC starten</translation>
        </message>
        <message>
            <source>Backups are kept in {folder} (the newest 10). One is taken automatically before every database upgrade.

To restore: close Clinic Desktop on every PC, delete clinic.sqlite3-wal and clinic.sqlite3-shm in the data folder if they exist, copy the backup over clinic.sqlite3, and start again. A clinic on PostgreSQL backs up with the server's tools (pg_dump).</source>
            <translation>Sicherungen liegen in {folder} (die neuesten 10). Vor jeder Aktualisierung der Datenbank wird automatisch eine angelegt.

Zum Wiederherstellen: Clinic Desktop auf allen PCs schließen, clinic.sqlite3-wal und clinic.sqlite3-shm im Datenordner löschen, falls vorhanden, die Sicherung über clinic.sqlite3 kopieren und neu starten. Eine Praxis mit PostgreSQL sichert mit den Werkzeugen des Servers (pg_dump).</translation>
        </message>
        <message>
            <source>&amp;Back up now</source>
            <translation>Jetzt &amp;sichern</translation>
        </message>
        <message>
            <source>No backups yet.</source>
            <translation>Noch keine Sicherungen.</translation>
        </message>
        <message>
            <source>This clinic uses PostgreSQL: back it up with the server's tools (pg_dump).</source>
            <translation>Diese Praxis nutzt PostgreSQL: bitte mit den Werkzeugen des Servers sichern (pg_dump).</translation>
        </message>
        <message>
            <source>Backup written: {path}</source>
            <translation>Sicherung gespeichert: {path}</translation>
        </message>
        <message>
            <source>Loading the settings…</source>
            <translation>Die Einstellungen werden geladen …</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Wird gespeichert …</translation>
        </message>
        <message>
            <source>Not saved.</source>
            <translation>Nicht gespeichert.</translation>
        </message>
        <message>
            <source>Photo quality</source>
            <translation>Fotoqualität</translation>
        </message>
        <message>
            <source>Hold photos as blurred below this sharpness (0 = never)</source>
            <translation>Fotos unter dieser Schärfe als unscharf zurückhalten (0 = nie)</translation>
        </message>
        <message>
            <source>Hold photos as too dark below this brightness in % (0 = never)</source>
            <translation>Fotos unter dieser Helligkeit in % als zu dunkel zurückhalten (0 = nie)</translation>
        </message>
        <message>
            <source>Hold photos as too bright above this brightness in % (100 = never)</source>
            <translation>Fotos über dieser Helligkeit in % als zu hell zurückhalten (100 = nie)</translation>
        </message>
        <message>
            <source>Hold photos as overexposed when more than this % is pure white (100 = never)</source>
            <translation>Fotos als überbelichtet zurückhalten, wenn mehr als dieser Anteil in % reinweiß ist (100 = nie)</translation>
        </message>
        <message>
            <source>Hold photos as too small below this many pixels on the long side (0 = never)</source>
            <translation>Fotos mit weniger Pixeln an der langen Seite als zu klein zurückhalten (0 = nie)</translation>
        </message>
    </context>
    <context>
        <name>SetupWizard</name>
        <message>
            <source>Choose a folder for: {field}</source>
            <translation>Ordner auswählen für: {field}</translation>
        </message>
        <message>
            <source>Choose a folder</source>
            <translation>Ordner auswählen</translation>
        </message>
        <message>
            <source>Welcome to Clinic Desktop</source>
            <translation>Willkommen bei Clinic Desktop</translation>
        </message>
        <message>
            <source>Your clinic</source>
            <translation>Ihre Praxis</translation>
        </message>
        <message>
            <source>Shown to patients in every email.</source>
            <translation>Erscheint für Patient/innen in jeder E-Mail.</translation>
        </message>
        <message>
            <source>&amp;Clinic name</source>
            <translation>&amp;Name der Praxis</translation>
        </message>
        <message>
            <source>&amp;Phone</source>
            <translation>&amp;Telefon</translation>
        </message>
        <message>
            <source>&amp;Email for patients</source>
            <translation>&amp;E-Mail für Patient/innen</translation>
        </message>
        <message>
            <source>&amp;Time zone</source>
            <translation>Zeitz&amp;one</translation>
        </message>
        <message>
            <source>Sending email</source>
            <translation>E-Mail-Versand</translation>
        </message>
        <message>
            <source>You can leave this empty and set it up later in Settings.</source>
            <translation>Das kann leer bleiben und später in den Einstellungen eingerichtet werden.</translation>
        </message>
        <message>
            <source>e.g. smtp.gmail.com or smtp.office365.com</source>
            <translation>z. B. smtp.gmail.com oder smtp.office365.com</translation>
        </message>
        <message>
            <source>&amp;Mail server</source>
            <translation>&amp;Mailserver</translation>
        </message>
        <message>
            <source>P&amp;ort</source>
            <translation>P&amp;ort</translation>
        </message>
        <message>
            <source>En&amp;cryption</source>
            <translation>&amp;Verschlüsselung</translation>
        </message>
        <message>
            <source>&amp;Account</source>
            <translation>&amp;Konto</translation>
        </message>
        <message>
            <source>&amp;Sender address</source>
            <translation>&amp;Absenderadresse</translation>
        </message>
        <message>
            <source>Pass&amp;word</source>
            <translation>Pa&amp;sswort</translation>
        </message>
        <message>
            <source>Gmail needs an app password; Microsoft 365 needs SMTP AUTH enabled for the mailbox. The password is kept in this PC's keyring.</source>
            <translation>Gmail braucht ein App-Passwort; bei Microsoft 365 muss SMTP AUTH für das Postfach aktiviert sein. Das Passwort liegt in der Schlüsselverwaltung dieses PCs.</translation>
        </message>
        <message>
            <source>Photos</source>
            <translation>Fotos</translation>
        </message>
        <message>
            <source>optional: a folder where patients' photos arrive</source>
            <translation>optional: ein Ordner, in dem Fotos von Patient/innen ankommen</translation>
        </message>
        <message>
            <source>Keep photos in</source>
            <translation>Fotos ablegen in</translation>
        </message>
        <message>
            <source>Watch this folder</source>
            <translation>Diesen Ordner überwachen</translation>
        </message>
        <message>
            <source>&amp;Keep photos in</source>
            <translation>Fotos &amp;ablegen in</translation>
        </message>
        <message>
            <source>&amp;Watch this folder</source>
            <translation>Diesen Ordner &amp;überwachen</translation>
        </message>
        <message>
            <source>C&amp;hoose…</source>
            <translation>Auswä&amp;hlen …</translation>
        </message>
        <message>
            <source>Ch&amp;oose…</source>
            <translation>Ausw&amp;ählen …</translation>
        </message>
        <message>
            <source>Photos named like P00123_front.jpg, or in a folder named P00123, find their patient by themselves.</source>
            <translation>Fotos mit Namen wie P00123_front.jpg oder in einem Ordner namens P00123 finden ihre Patientin / ihren Patienten von selbst.</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>Beginn</translation>
        </message>
        <message>
            <source>Start with the &amp;demo clinic (30 sample patients at every stage, to try everything out)</source>
            <translation>Mit der &amp;Demo-Praxis beginnen (30 Beispiel-Patient/innen in jedem Stadium, zum Ausprobieren)</translation>
        </message>
        <message>
            <source>Start with an &amp;empty clinic</source>
            <translation>Mit einer &amp;leeren Praxis beginnen</translation>
        </message>
        <message>
            <source>Please go back and fix:</source>
            <translation>Bitte zurückgehen und korrigieren:</translation>
        </message>
        <message>
            <source>Setting up the clinic…</source>
            <translation>Die Praxis wird eingerichtet …</translation>
        </message>
    </context>
    <context>
        <name>StepDialog</name>
        <message>
            <source>Add step</source>
            <translation>Schritt hinzufügen</translation>
        </message>
        <message>
            <source>&amp;Name</source>
            <translation>&amp;Name</translation>
        </message>
        <message>
            <source>&amp;Days</source>
            <translation>&amp;Tage</translation>
        </message>
        <message>
            <source>&amp;Instructions</source>
            <translation>&amp;Anleitung</translation>
        </message>
    </context>
    <context>
        <name>TemplateDialog</name>
        <message>
            <source>Edit plan template “{name}”</source>
            <translation>Planvorlage „{name}“ bearbeiten</translation>
        </message>
        <message>
            <source>Duplicate plan template</source>
            <translation>Planvorlage duplizieren</translation>
        </message>
        <message>
            <source>New plan template</source>
            <translation>Neue Planvorlage</translation>
        </message>
        <message>
            <source>e.g. Clear aligners, 20 sets</source>
            <translation>z. B. Aligner, 20 Sätze</translation>
        </message>
        <message>
            <source>optional: what the plan is for</source>
            <translation>optional: wofür der Plan gedacht ist</translation>
        </message>
        <message>
            <source>&amp;Name</source>
            <translation>&amp;Name</translation>
        </message>
        <message>
            <source>Descr&amp;iption</source>
            <translation>&amp;Beschreibung</translation>
        </message>
        <message>
            <source>Fill all the steps at once (replaces the list below)</source>
            <translation>Alle Schritte auf einmal füllen (ersetzt die Liste unten)</translation>
        </message>
        <message>
            <source>Aligner</source>
            <translation>Aligner</translation>
        </message>
        <message>
            <source>&amp;Fill the steps below</source>
            <translation>Schritte unten &amp;füllen</translation>
        </message>
        <message>
            <source>Number of &amp;steps</source>
            <translation>&amp;Anzahl der Schritte</translation>
        </message>
        <message>
            <source>Days &amp;per step</source>
            <translation>Tage &amp;pro Schritt</translation>
        </message>
        <message>
            <source>Step na&amp;me</source>
            <translation>Name der Schr&amp;itte</translation>
        </message>
        <message>
            <source>Steps of the plan</source>
            <translation>Schritte des Plans</translation>
        </message>
        <message>
            <source>Select every step</source>
            <translation>Alle Schritte auswählen</translation>
        </message>
        <message>
            <source>&amp;Add step</source>
            <translation>Schritt &amp;hinzufügen</translation>
        </message>
        <message>
            <source>&amp;Remove step</source>
            <translation>Schritt &amp;entfernen</translation>
        </message>
        <message>
            <source>Move &amp;up</source>
            <translation>Nach &amp;oben</translation>
        </message>
        <message>
            <source>Move do&amp;wn</source>
            <translation>Nach &amp;unten</translation>
        </message>
        <message>
            <source>Double-click a cell (or start typing) to change it.</source>
            <translation>Doppelklick auf eine Zelle (oder lostippen), um sie zu ändern.</translation>
        </message>
        <message>
            <source>Step</source>
            <translation>Schritt</translation>
        </message>
        <message numerus="yes">
            <source>%n step(s), {days} days in all</source>
            <translation>
                <numerusform>%n Schritt, insgesamt {days} Tage</numerusform>
                <numerusform>%n Schritte, insgesamt {days} Tage</numerusform>
            </translation>
        </message>
        <message>
            <source>No steps: add at least one.</source>
            <translation>Keine Schritte: bitte mindestens einen hinzufügen.</translation>
        </message>
        <message>
            <source>Saving…</source>
            <translation>Wird gespeichert …</translation>
        </message>
    </context>
    <context>
        <name>TemplateEditor</name>
        <message>
            <source>E&amp;mail:</source>
            <translation>E-&amp;Mail:</translation>
        </message>
        <message>
            <source>&amp;Language:</source>
            <translation>&amp;Sprache:</translation>
        </message>
        <message>
            <source>Save &amp;template</source>
            <translation>Vorlage s&amp;peichern</translation>
        </message>
        <message>
            <source>Back to &amp;default</source>
            <translation>Standard &amp;wiederherstellen</translation>
        </message>
        <message>
            <source>S&amp;ubject:</source>
            <translation>&amp;Betreff:</translation>
        </message>
        <message>
            <source>Plain text of the email</source>
            <translation>Reiner Text der E-Mail</translation>
        </message>
        <message>
            <source>HTML of the email</source>
            <translation>HTML der E-Mail</translation>
        </message>
        <message>
            <source>Text</source>
            <translation>Text</translation>
        </message>
        <message>
            <source>HTML</source>
            <translation>HTML</translation>
        </message>
        <message>
            <source>Preview of the email</source>
            <translation>Vorschau der E-Mail</translation>
        </message>
        <message>
            <source>Not valid yet: {problem}</source>
            <translation>Noch nicht gültig: {problem}</translation>
        </message>
        <message>
            <source>The template was not saved: {problem}</source>
            <translation>Die Vorlage wurde nicht gespeichert: {problem}</translation>
        </message>
        <message>
            <source>Template saved; new emails use it.</source>
            <translation>Vorlage gespeichert; neue E-Mails verwenden sie.</translation>
        </message>
        <message>
            <source>Loading the template…</source>
            <translation>Die Vorlage wird geladen …</translation>
        </message>
    </context>
    <context>
        <name>TimelineBar</name>
        <message>
            <source>Each block is a step, as long as its duration</source>
            <translation>Jeder Block ist ein Schritt, so lang wie seine Dauer</translation>
        </message>
        <message>
            <source>The plan's steps as a bar</source>
            <translation>Die Schritte des Plans als Balken</translation>
        </message>
    </context>
    <context>
        <name>ForecastPanel</name>
        <message>
            <source>The daily checks of the next 7 days, rehearsed with the clinic's own rules: pauses, consent, addresses, reminders, the send window and the sending limit. Nothing is sent. Photos that arrive meanwhile change it.</source>
            <translation>Die Tagesprüfungen der nächsten 7 Tage, mit den Regeln der Praxis durchgespielt: Pausen, Einwilligung, Adressen, Erinnerungen, Sendezeitfenster und Sendelimit. Es wird nichts gesendet. Fotos, die inzwischen eintreffen, ändern die Vorschau.</translation>
        </message>
        <message>
            <source>&amp;Update</source>
            <translation>&amp;Aktualisieren</translation>
        </message>
        <message>
            <source>Emails of the next 7 days</source>
            <translation>E-Mails der nächsten 7 Tage</translation>
        </message>
        <message>
            <source>Working out the next 7 days…</source>
            <translation>Die nächsten 7 Tage werden durchgespielt …</translation>
        </message>
        <message>
            <source>The forecast could not be made: {reason}</source>
            <translation>Die Vorschau ließ sich nicht erstellen: {reason}</translation>
        </message>
        <message>
            <source>No email can go out: {reason}</source>
            <translation>Keine E-Mail kann hinausgehen: {reason}</translation>
        </message>
        <message>
            <source>Today, {day}</source>
            <translation>Heute, {day}</translation>
        </message>
        <message>
            <source>Tomorrow, {day}</source>
            <translation>Morgen, {day}</translation>
        </message>
        <message>
            <source>{day}: no emails</source>
            <translation>{day}: keine E-Mails</translation>
        </message>
        <message numerus="yes">
            <source>{day}: %n email(s)</source>
            <translation>
                <numerusform>{day}: %n E-Mail</numerusform>
                <numerusform>{day}: %n E-Mails</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>, %n sent, the last at {time}</source>
            <translation>
                <numerusform>, %n gesendet, die letzte um {time}</numerusform>
                <numerusform>, %n gesendet, die letzte um {time}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>, %n held back</source>
            <translation>
                <numerusform>, %n zurückgehalten</numerusform>
                <numerusform>, %n zurückgehalten</numerusform>
            </translation>
        </message>
        <message>
            <source>step {order} “{name}” ended on {day}</source>
            <translation>Schritt {order} „{name}“ endete am {day}</translation>
        </message>
        <message>
            <source>step {order} “{name}” starts on {day}</source>
            <translation>Schritt {order} „{name}“ beginnt am {day}</translation>
        </message>
        <message>
            <source>reminder {number} of {most}: step {order} “{name}” ended on {day}</source>
            <translation>Erinnerung {number} von {most}: Schritt {order} „{name}“ endete am {day}</translation>
        </message>
        <message>
            <source>{patient} completed step {order} “{name}”</source>
            <translation>{patient} hat Schritt {order} „{name}“ abgeschlossen</translation>
        </message>
        <message>
            <source>yesterday's progress, late and undelivered</source>
            <translation>Fortschritte von gestern, Verspätete und Unzustellbare</translation>
        </message>
        <message>
            <source>goes out at {time}</source>
            <translation>geht um {time} hinaus</translation>
        </message>
        <message>
            <source>held back: {reason}</source>
            <translation>zurückgehalten: {reason}</translation>
        </message>
        <message>
            <source>failed earlier: {reason}</source>
            <translation>schon fehlgeschlagen: {reason}</translation>
        </message>
        <message>
            <source>waits in the Outbox</source>
            <translation>wartet im Postausgang</translation>
        </message>
    </context>
    <context>
        <name>TodayView</name>
        <message>
            <source>Photos received by email</source>
            <translation>Per E-Mail erhaltene Fotos</translation>
        </message>
        <message>
            <source>Patients' replies of the last 7 days, imported by themselves.</source>
            <translation>Antworten der Patient/innen aus den letzten 7 Tagen, von selbst importiert.</translation>
        </message>
        <message>
            <source>Addresses that bounce</source>
            <translation>Unzustellbare Adressen</translation>
        </message>
        <message>
            <source>No email goes to them until the address is changed or confirmed on the patient's page.</source>
            <translation>Dorthin geht keine E-Mail, bis die Adresse auf der Seite der Patientin / des Patienten geändert oder bestätigt ist.</translation>
        </message>
        <message numerus="yes">
            <source>%n photo(s) received {when}</source>
            <translation>
                <numerusform>%n Foto erhalten am {when}</numerusform>
                <numerusform>%n Fotos erhalten am {when}</numerusform>
            </translation>
        </message>
        <message>
            <source>; the step was completed</source>
            <translation>; der Schritt wurde abgeschlossen</translation>
        </message>
        <message>
            <source>{address} bounced: {reason}</source>
            <translation>{address} ist unzustellbar: {reason}</translation>
        </message>
        <message>
            <source>Steps due today</source>
            <translation>Heute fällige Schritte</translation>
        </message>
        <message>
            <source>Their 'photo required' email goes out with today's check.</source>
            <translation>Ihre E-Mail „Foto erforderlich“ geht mit der heutigen Prüfung hinaus.</translation>
        </message>
        <message>
            <source>Waiting for a photo</source>
            <translation>Warten auf ein Foto</translation>
        </message>
        <message>
            <source>Finished steps; the next starts when the photo arrives.</source>
            <translation>Abgelaufene Schritte; der nächste beginnt, sobald das Foto da ist.</translation>
        </message>
        <message>
            <source>Late</source>
            <translation>Überfällig</translation>
        </message>
        <message>
            <source>Waiting for a photo for {late} days or more.</source>
            <translation>Warten seit {late} Tagen oder länger auf ein Foto.</translation>
        </message>
        <message>
            <source>Emails that need attention</source>
            <translation>E-Mails, die Aufmerksamkeit brauchen</translation>
        </message>
        <message>
            <source>Failed, or held because of a missing address or consent.</source>
            <translation>Fehlgeschlagen oder zurückgehalten wegen fehlender Adresse oder Einwilligung.</translation>
        </message>
        <message>
            <source>Photos without a patient</source>
            <translation>Fotos ohne Patient/in</translation>
        </message>
        <message>
            <source>Assign them in the Photo inbox.</source>
            <translation>Im Foto-Eingang zuordnen.</translation>
        </message>
        <message>
            <source>Plans ending this week</source>
            <translation>Pläne, die diese Woche enden</translation>
        </message>
        <message>
            <source>The last step ends within 7 days.</source>
            <translation>Der letzte Schritt endet innerhalb von 7 Tagen.</translation>
        </message>
        <message>
            <source>Getting started</source>
            <translation>Erste Schritte</translation>
        </message>
        <message>
            <source>No patients yet. Add your patients one by one, or bring your list in from a CSV file (Excel: Save as CSV). Then open a patient and press Apply plan… to give them their steps; Today then lists whoever needs something.</source>
            <translation>Noch keine Patient/innen. Patient/innen einzeln anlegen oder die eigene Liste aus einer CSV-Datei übernehmen (Excel: Speichern unter CSV). Dann eine Patientin / einen Patienten öffnen und „Plan anwenden …“ drücken, um die Schritte zu vergeben; Heute zeigt danach alle, bei denen etwas ansteht.</translation>
        </message>
        <message>
            <source>&amp;Add a patient…</source>
            <translation>Patient/in &amp;anlegen …</translation>
        </message>
        <message>
            <source>&amp;Import patients from a CSV file…</source>
            <translation>Patient/innen aus einer CSV-Datei &amp;importieren …</translation>
        </message>
        <message>
            <source>{kind} email, {status}</source>
            <translation>E-Mail „{kind}“, {status}</translation>
        </message>
        <message>
            <source>last step “{name}” ends {day}</source>
            <translation>letzter Schritt „{name}“ endet am {day}</translation>
        </message>
        <message>
            <source>step {order} “{name}”, due {day}</source>
            <translation>Schritt {order} „{name}“, fällig am {day}</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>Heute</translation>
        </message>
        <message>
            <source>&amp;Run the daily check now</source>
            <translation>Tagesprüfung jetzt a&amp;usführen</translation>
        </message>
        <message>
            <source>Queue and send the emails for finished steps now</source>
            <translation>Die E-Mails für abgelaufene Schritte jetzt einstellen und senden</translation>
        </message>
        <message numerus="yes">
            <source>, %n day(s) late</source>
            <translation>
                <numerusform>, %n Tag überfällig</numerusform>
                <numerusform>, %n Tage überfällig</numerusform>
            </translation>
        </message>
        <message>
            <source>Today, {day}</source>
            <translation>Heute, {day}</translation>
        </message>
        <message>
            <source>Nothing here today.</source>
            <translation>Heute nichts.</translation>
        </message>
        <message>
            <source>The last daily check ran {when} on {pc}: all done.</source>
            <translation>Die letzte Tagesprüfung lief am {when} auf {pc}: alles erledigt.</translation>
        </message>
        <message>
            <source>The last daily check ran {when} on {pc} and hit a problem (see the Outbox).</source>
            <translation>Die letzte Tagesprüfung lief am {when} auf {pc} und stieß auf ein Problem (siehe Postausgang).</translation>
        </message>
        <message>
            <source>The daily check has not run yet.</source>
            <translation>Die Tagesprüfung ist noch nicht gelaufen.</translation>
        </message>
        <message>
            <source>Emails are sent by {pc}, where the notifier runs.</source>
            <translation>E-Mails sendet {pc}, auf dem der Benachrichtigungsdienst läuft.</translation>
        </message>
        <message>
            <source>No PC is sending emails at the moment: start Clinic Desktop (or its notifier) on the PC that should send them.</source>
            <translation>Zurzeit sendet kein PC E-Mails: Clinic Desktop (oder seinen Benachrichtigungsdienst) auf dem PC starten, der sie senden soll.</translation>
        </message>
        <message>
            <source>this PC</source>
            <translation>dieser PC</translation>
        </message>
        <message>
            <source>the PC named “{name}”</source>
            <translation>der PC „{name}“</translation>
        </message>
        <message>
            <source>&amp;Emails of the next 7 days</source>
            <translation>&amp;E-Mails der nächsten 7 Tage</translation>
        </message>
        <message>
            <source>Who gets which email in the coming days, why, and when the last one goes out</source>
            <translation>Wer in den nächsten Tagen welche E-Mail bekommt, warum, und wann die letzte hinausgeht</translation>
        </message>
        <message>
            <source>Photos held for quality</source>
            <translation>Wegen der Qualität zurückgehaltene Fotos</translation>
        </message>
        <message>
            <source>Their step waits: accept the photo, or ask the patient for a better one, in the patient&apos;s photos.</source>
            <translation>Ihr Schritt wartet: in den Fotos der Patientin / des Patienten das Foto annehmen oder um ein besseres bitten.</translation>
        </message>
        <message>
            <source>step {order} “{name}”: {why}</source>
            <translation>Schritt {order} „{name}“: {why}</translation>
        </message>
    </context>
    <context>
        <name>TrayNotifier</name>
        <message>
            <source>&amp;Open Clinic Desktop</source>
            <translation>Clinic Desktop ö&amp;ffnen</translation>
        </message>
        <message>
            <source>&amp;Run the daily check now</source>
            <translation>Tagesprüfung jetzt a&amp;usführen</translation>
        </message>
        <message>
            <source>&amp;Pause sending until…</source>
            <translation>Versand &amp;pausieren bis …</translation>
        </message>
        <message>
            <source>Sending paused until {when}</source>
            <translation>Versand pausiert bis {when}</translation>
        </message>
        <message>
            <source>Resume sending now</source>
            <translation>Versand jetzt fortsetzen</translation>
        </message>
        <message>
            <source>in 1 hour</source>
            <translation>in 1 Stunde</translation>
        </message>
        <message>
            <source>in 4 hours</source>
            <translation>in 4 Stunden</translation>
        </message>
        <message>
            <source>tomorrow</source>
            <translation>morgen</translation>
        </message>
        <message>
            <source>&amp;Import photos…</source>
            <translation>Fotos &amp;importieren …</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>&amp;Beenden</translation>
        </message>
        <message>
            <source>The database cannot be read: {reason}</source>
            <translation>Die Datenbank kann nicht gelesen werden: {reason}</translation>
        </message>
        <message>
            <source>Next check: {when}</source>
            <translation>Nächste Prüfung: {when}</translation>
        </message>
        <message>
            <source>Last check: {when}, all done</source>
            <translation>Letzte Prüfung: {when}, alles erledigt</translation>
        </message>
        <message>
            <source>Last check: {when}, with a problem</source>
            <translation>Letzte Prüfung: {when}, mit einem Problem</translation>
        </message>
        <message>
            <source>Last check: not yet</source>
            <translation>Letzte Prüfung: noch keine</translation>
        </message>
        <message>
            <source>Emails waiting {queued} · failed {failed} · held back {held} · photos to assign {photos}</source>
            <translation>E-Mails wartend {queued} · fehlgeschlagen {failed} · zurückgehalten {held} · Fotos zuzuordnen {photos}</translation>
        </message>
        <message>
            <source>Emails cannot be sent until the mail settings are fixed (server, password or certificate). Click here to open Settings.</source>
            <translation>E-Mails können erst gesendet werden, wenn die Mail-Einstellungen stimmen (Server, Passwort oder Zertifikat). Hier klicken, um die Einstellungen zu öffnen.</translation>
        </message>
    </context>
    <context>
        <name>app</name>
        <message>
            <source>Something went wrong ({kind}). Your data is safe; the details are in the log file. If it happens again, please tell your IT contact.</source>
            <translation>Etwas ist schiefgelaufen ({kind}). Ihre Daten sind sicher; die Einzelheiten stehen in der Protokolldatei. Wenn es wieder passiert, bitte der IT-Betreuung Bescheid geben.</translation>
        </message>
    </context>
    <context>
        <name>inbox</name>
        <message>
            <source>no patient found from its name; it waits in the Photo inbox, where you can assign it</source>
            <translation>aus dem Namen keine Patientin / kein Patient gefunden; das Foto wartet im Foto-Eingang und kann dort zugeordnet werden</translation>
        </message>
        <message>
            <source>filed for {code}; no step of the plan was running when it was taken</source>
            <translation>bei {code} abgelegt; als es aufgenommen wurde, lief kein Schritt des Plans</translation>
        </message>
        <message>
            <source>filed for {code} under step {order}: the step is completed and the plan is finished</source>
            <translation>bei {code} unter Schritt {order} abgelegt: der Schritt ist abgeschlossen und der Plan beendet</translation>
        </message>
        <message>
            <source>filed for {code} under step {order}: the step is completed and the next one has started</source>
            <translation>bei {code} unter Schritt {order} abgelegt: der Schritt ist abgeschlossen und der nächste hat begonnen</translation>
        </message>
        <message>
            <source>filed for {code} under step {order}; nothing else changes</source>
            <translation>bei {code} unter Schritt {order} abgelegt; sonst ändert sich nichts</translation>
        </message>
        <message>
            <source>The import stopped: {reason}</source>
            <translation>Der Import wurde abgebrochen: {reason}</translation>
        </message>
        <message>
            <source>filed for {code} under step {order}, but held: {why}. The step waits until staff accept the photo or a better one arrives</source>
            <translation>für {code} unter Schritt {order} abgelegt, aber zurückgehalten: {why}. Der Schritt wartet, bis das Praxisteam das Foto annimmt oder ein besseres kommt</translation>
        </message>
    </context>
    <context>
        <name>photos</name>
        <message>
            <source>Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff);;All files (*)</source>
            <translation>Fotos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff);;Alle Dateien (*)</translation>
        </message>
        <message>
            <source>step {order}</source>
            <translation>Schritt {order}</translation>
        </message>
        <message>
            <source>no step</source>
            <translation>kein Schritt</translation>
        </message>
        <message>
            <source>date unknown</source>
            <translation>Datum unbekannt</translation>
        </message>
        <message>
            <source>No step</source>
            <translation>Kein Schritt</translation>
        </message>
        <message>
            <source>Step {order} – {name}</source>
            <translation>Schritt {order} – {name}</translation>
        </message>
        <message>
            <source>from {day}</source>
            <translation>ab {day}</translation>
        </message>
        <message>
            <source>{heading} (continued)</source>
            <translation>{heading} (Fortsetzung)</translation>
        </message>
        <message>
            <source>Progress report — {patient}</source>
            <translation>Verlaufsbericht — {patient}</translation>
        </message>
        <message>
            <source>Cannot write {path}</source>
            <translation>{path} kann nicht geschrieben werden</translation>
        </message>
        <message>
            <source>✓ completed the step</source>
            <translation>✓ hat den Schritt abgeschlossen</translation>
        </message>
        <message>
            <source>The photo is no longer there.</source>
            <translation>Das Foto ist nicht mehr da.</translation>
        </message>
        <message>
            <source>Photo accepted. Its step is not finished yet, so nothing else changes.</source>
            <translation>Foto angenommen. Sein Schritt ist noch nicht fällig, daher ändert sich sonst nichts.</translation>
        </message>
        <message>
            <source>Photo accepted: step {order} “{name}” is completed and the plan is finished.</source>
            <translation>Foto angenommen: Schritt {order} „{name}“ ist abgeschlossen und der Plan ist beendet.</translation>
        </message>
        <message>
            <source>Photo accepted: step {order} “{name}” is completed and step {next} “{next_name}” has started.</source>
            <translation>Foto angenommen: Schritt {order} „{name}“ ist abgeschlossen und Schritt {next} „{next_name}“ hat begonnen.</translation>
        </message>
        <message>
            <source>The patient was asked for a better photo already.</source>
            <translation>Die Patientin / der Patient wurde bereits um ein besseres Foto gebeten.</translation>
        </message>
        <message>
            <source>The email asking for a better photo is held back: {reason}</source>
            <translation>Die E-Mail mit der Bitte um ein besseres Foto wird zurückgehalten: {reason}</translation>
        </message>
        <message>
            <source>The patient will get an email asking for a better photo, with the reason.</source>
            <translation>Die Patientin / der Patient bekommt eine E-Mail mit der Bitte um ein besseres Foto und dem Grund.</translation>
        </message>
    </context>
    <context>
        <name>plans</name>
        <message>
            <source>Patients who already have a plan keep their own copy of its steps: editing or deleting a template changes only the plans applied after that.</source>
            <translation>Patient/innen, die einen Plan schon haben, behalten ihre eigene Kopie seiner Schritte: Bearbeiten oder Löschen einer Vorlage ändert nur die danach angewendeten Pläne.</translation>
        </message>
        <message>
            <source>Step</source>
            <translation>Schritt</translation>
        </message>
        <message>
            <source>Days</source>
            <translation>Tage</translation>
        </message>
        <message>
            <source>Instructions</source>
            <translation>Anleitung</translation>
        </message>
        <message>
            <source>Step {number}</source>
            <translation>Schritt {number}</translation>
        </message>
    </context>
    <context>
        <name>widgets</name>
        <message>
            <source>Emails cannot be sent until the mail settings are fixed (server, password or certificate).

Open Settings now?</source>
            <translation>E-Mails können erst gesendet werden, wenn die Mail-Einstellungen stimmen (Server, Passwort oder Zertifikat).

Jetzt die Einstellungen öffnen?</translation>
        </message>
    </context>
    <context>
        <name>words</name>
        <message>
            <source>email from the patient read</source>
            <translation>E-Mail der Patientin / des Patienten gelesen</translation>
        </message>
        <message>
            <source>Photo required</source>
            <translation>Foto erforderlich</translation>
        </message>
        <message>
            <source>New step started</source>
            <translation>Neuer Schritt begonnen</translation>
        </message>
        <message>
            <source>Photo reminder</source>
            <translation>Foto-Erinnerung</translation>
        </message>
        <message>
            <source>Progress note to the doctor</source>
            <translation>Fortschritt an Ärztin/Arzt</translation>
        </message>
        <message>
            <source>Daily summary to the doctor</source>
            <translation>Tageszusammenfassung an Ärztin/Arzt</translation>
        </message>
        <message>
            <source>Test email</source>
            <translation>Test-E-Mail</translation>
        </message>
        <message>
            <source>waiting to be sent</source>
            <translation>wartet auf Versand</translation>
        </message>
        <message>
            <source>being sent</source>
            <translation>wird gesendet</translation>
        </message>
        <message>
            <source>sent</source>
            <translation>gesendet</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>fehlgeschlagen</translation>
        </message>
        <message>
            <source>held back</source>
            <translation>zurückgehalten</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>storniert</translation>
        </message>
        <message>
            <source>not started</source>
            <translation>nicht begonnen</translation>
        </message>
        <message>
            <source>starts on its date</source>
            <translation>beginnt an seinem Datum</translation>
        </message>
        <message>
            <source>active</source>
            <translation>aktiv</translation>
        </message>
        <message>
            <source>paused</source>
            <translation>pausiert</translation>
        </message>
        <message>
            <source>due</source>
            <translation>fällig</translation>
        </message>
        <message>
            <source>completed</source>
            <translation>abgeschlossen</translation>
        </message>
        <message>
            <source>skipped</source>
            <translation>übersprungen</translation>
        </message>
        <message>
            <source>imported</source>
            <translation>importiert</translation>
        </message>
        <message>
            <source>already there</source>
            <translation>schon vorhanden</translation>
        </message>
        <message>
            <source>no patient found</source>
            <translation>keine Patientin / kein Patient gefunden</translation>
        </message>
        <message>
            <source>refused</source>
            <translation>abgelehnt</translation>
        </message>
        <message>
            <source>assigned</source>
            <translation>zugeordnet</translation>
        </message>
        <message>
            <source>dismissed</source>
            <translation>verworfen</translation>
        </message>
        <message>
            <source>patient added</source>
            <translation>Patient/in angelegt</translation>
        </message>
        <message>
            <source>patient details changed</source>
            <translation>Angaben zur Patientin / zum Patienten geändert</translation>
        </message>
        <message>
            <source>plan applied</source>
            <translation>Plan angewendet</translation>
        </message>
        <message>
            <source>plan finished</source>
            <translation>Plan abgeschlossen</translation>
        </message>
        <message>
            <source>step started</source>
            <translation>Schritt begonnen</translation>
        </message>
        <message>
            <source>step completed</source>
            <translation>Schritt abgeschlossen</translation>
        </message>
        <message>
            <source>step skipped</source>
            <translation>Schritt übersprungen</translation>
        </message>
        <message>
            <source>step paused</source>
            <translation>Schritt pausiert</translation>
        </message>
        <message>
            <source>step resumed</source>
            <translation>Schritt fortgesetzt</translation>
        </message>
        <message>
            <source>step changed</source>
            <translation>Schritt geändert</translation>
        </message>
        <message>
            <source>step added</source>
            <translation>Schritt hinzugefügt</translation>
        </message>
        <message>
            <source>steps reordered</source>
            <translation>Schritte umsortiert</translation>
        </message>
        <message>
            <source>last progression undone</source>
            <translation>letzter Fortschritt rückgängig gemacht</translation>
        </message>
        <message>
            <source>photo imported</source>
            <translation>Foto importiert</translation>
        </message>
        <message>
            <source>photo assigned from the inbox</source>
            <translation>Foto aus dem Foto-Eingang zugeordnet</translation>
        </message>
        <message>
            <source>photo reminder queued</source>
            <translation>Foto-Erinnerung eingestellt</translation>
        </message>
        <message>
            <source>email queued</source>
            <translation>E-Mail eingestellt</translation>
        </message>
        <message>
            <source>email sent</source>
            <translation>E-Mail gesendet</translation>
        </message>
        <message>
            <source>email held back</source>
            <translation>E-Mail zurückgehalten</translation>
        </message>
        <message>
            <source>email withdrawn</source>
            <translation>E-Mail zurückgezogen</translation>
        </message>
        <message>
            <source>email sent again</source>
            <translation>E-Mail erneut gesendet</translation>
        </message>
        <message>
            <source>email queued again</source>
            <translation>E-Mail erneut eingestellt</translation>
        </message>
        <message>
            <source>email cancelled</source>
            <translation>E-Mail storniert</translation>
        </message>
        <message>
            <source>demo clinic created</source>
            <translation>Demo-Praxis angelegt</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>ja</translation>
        </message>
        <message>
            <source>no</source>
            <translation>nein</translation>
        </message>
        <message>
            <source>STARTTLS (usually port 587)</source>
            <translation>STARTTLS (meist Port 587)</translation>
        </message>
        <message>
            <source>TLS from the start (usually port 465)</source>
            <translation>TLS von Anfang an (meist Port 465)</translation>
        </message>
        <message>
            <source>none (only a relay on this PC)</source>
            <translation>keine (nur ein Relay auf diesem PC)</translation>
        </message>
        <message>
            <source>an email per event</source>
            <translation>eine E-Mail je Ereignis</translation>
        </message>
        <message>
            <source>one summary a day</source>
            <translation>eine Zusammenfassung am Tag</translation>
        </message>
        <message>
            <source>move it to the imported folder</source>
            <translation>in den Ordner „imported“ verschoben</translation>
        </message>
        <message>
            <source>leave it where it is</source>
            <translation>an seinem Platz gelassen</translation>
        </message>
        <message>
            <source>comma</source>
            <translation>Komma</translation>
        </message>
        <message>
            <source>semicolon (Excel in German)</source>
            <translation>Semikolon (Excel auf Deutsch)</translation>
        </message>
        <message>
            <source>the language of this PC</source>
            <translation>die Sprache dieses PCs</translation>
        </message>
        <message>
            <source>English</source>
            <translation>Englisch</translation>
        </message>
        <message>
            <source>German (Deutsch)</source>
            <translation>Deutsch</translation>
        </message>
        <message>
            <source>Request for a better photo</source>
            <translation>Bitte um ein besseres Foto</translation>
        </message>
        <message>
            <source>came back undeliverable</source>
            <translation>unzustellbar zurückgekommen</translation>
        </message>
        <message>
            <source>email came back undeliverable</source>
            <translation>E-Mail unzustellbar zurückgekommen</translation>
        </message>
        <message>
            <source>email address marked undeliverable</source>
            <translation>E-Mail-Adresse als unzustellbar markiert</translation>
        </message>
        <message>
            <source>email address confirmed</source>
            <translation>E-Mail-Adresse bestätigt</translation>
        </message>
        <message>
            <source>photo accepted as it is</source>
            <translation>Foto so angenommen, wie es ist</translation>
        </message>
        <message>
            <source>better photo requested</source>
            <translation>besseres Foto erbeten</translation>
        </message>
        <message>
            <source>too small</source>
            <translation>zu klein</translation>
        </message>
        <message>
            <source>too dark</source>
            <translation>zu dunkel</translation>
        </message>
        <message>
            <source>too bright</source>
            <translation>zu hell</translation>
        </message>
        <message>
            <source>overexposed</source>
            <translation>überbelichtet</translation>
        </message>
        <message>
            <source>blurred</source>
            <translation>unscharf</translation>
        </message>
        <message>
            <source>front</source>
            <translation>frontal</translation>
        </message>
        <message>
            <source>left</source>
            <translation>links</translation>
        </message>
        <message>
            <source>right</source>
            <translation>rechts</translation>
        </message>
        <message>
            <source>upper jaw</source>
            <translation>Oberkiefer</translation>
        </message>
        <message>
            <source>lower jaw</source>
            <translation>Unterkiefer</translation>
        </message>
        <message>
            <source>photo view set</source>
            <translation>Ansicht des Fotos festgelegt</translation>
        </message>
    </context>
    <context>
        <name>core</name>
        <message>
            <source>{code} has no active step.</source>
            <translation>{code} hat keinen aktiven Schritt.</translation>
        </message>
        <message>
            <source>Select a step first (this patient has no active step).</source>
            <translation>Bitte zuerst einen Schritt auswählen (diese Patientin / dieser Patient hat keinen aktiven Schritt).</translation>
        </message>
        <message>
            <source>Reading the clinic's mailbox is not set up yet: set {settings} (clinic-desktop settings set KEY VALUE; docs/email-replies.md).</source>
            <translation>Das Lesen des Praxis-Postfachs ist noch nicht eingerichtet: setzen Sie {settings} (clinic-desktop settings set KEY VALUE; docs/email-replies.md).</translation>
        </message>
        <message>
            <source>imap.processed_folder is the folder that is read ({folder}): read mail must be moved elsewhere. Choose another folder.</source>
            <translation>imap.processed_folder ist der Ordner, der gelesen wird ({folder}): gelesene E-Mails müssen anderswohin verschoben werden. Wählen Sie einen anderen Ordner.</translation>
        </message>
        <message>
            <source>The mail server {where} does not offer STARTTLS. Use imap.security = tls with port 993.</source>
            <translation>Der Mailserver {where} bietet kein STARTTLS an. Verwenden Sie imap.security = tls mit Port 993.</translation>
        </message>
        <message>
            <source>The mail server {where} did not answer within {n_seconds} seconds. Check imap.host, imap.port and the firewall.</source>
            <translation>Der Mailserver {where} hat nicht innerhalb von {n_seconds} Sekunden geantwortet. Prüfen Sie imap.host, imap.port und die Firewall.</translation>
        </message>
        <message>
            <source>The mail server {where} ended the connection: {words}.</source>
            <translation>Der Mailserver {where} hat die Verbindung beendet: {words}.</translation>
        </message>
        <message>
            <source>The mail server {where} rejected the login for {user}: {words}. Check the password (clinic-desktop imap set-password). Gmail needs IMAP switched on and an app password (Google account → Security → App passwords); Microsoft 365 accepts only OAuth2 for IMAP, which Clinic Desktop does not offer yet (docs/email-replies.md).</source>
            <translation>Der Mailserver {where} hat die Anmeldung für {user} abgelehnt: {words}. Prüfen Sie das Passwort (clinic-desktop imap set-password). Gmail braucht eingeschaltetes IMAP und ein App-Passwort (Google-Konto → Sicherheit → App-Passwörter); Microsoft 365 erlaubt für IMAP nur OAuth2, das Clinic Desktop noch nicht anbietet (docs/email-replies.md).</translation>
        </message>
        <message>
            <source>The mail server {where} refused {what}: {words}.</source>
            <translation>Der Mailserver {where} hat {what} abgelehnt: {words}.</translation>
        </message>
        <message>
            <source>The connection to the mail server {where} failed: {problem}.</source>
            <translation>Die Verbindung zum Mailserver {where} ist fehlgeschlagen: {problem}.</translation>
        </message>
        <message>
            <source>The folder {folder} (imap.folder) cannot be opened in the mailbox of {user} on {host}: {words}.</source>
            <translation>Der Ordner {folder} (imap.folder) lässt sich im Postfach von {user} auf {host} nicht öffnen: {words}.</translation>
        </message>
        <message>
            <source>The mail server {where} gave no UIDVALIDITY for {folder}, so read mail could not be told from new.</source>
            <translation>Der Mailserver {where} hat für {folder} keine UIDVALIDITY geliefert, daher ließen sich gelesene E-Mails nicht von neuen unterscheiden.</translation>
        </message>
        <message>
            <source>Connected to {where}, logged in as {user}; the folder {folder} holds {n} message(s) to read.</source>
            <translation>Verbunden mit {where}, angemeldet als {user}; im Ordner {folder} liegen {n} E-Mail(s) zum Lesen.</translation>
        </message>
        <message>
            <source>{n} email(s) read</source>
            <translation>{n} E-Mail(s) gelesen</translation>
        </message>
        <message>
            <source>{n} email(s) read: {parts}</source>
            <translation>{n} E-Mail(s) gelesen: {parts}</translation>
        </message>
        <message>
            <source>{n} with photos imported</source>
            <translation>{n} mit importierten Fotos</translation>
        </message>
        <message>
            <source>{n} with photos already there</source>
            <translation>{n} mit schon vorhandenen Fotos</translation>
        </message>
        <message>
            <source>{n} from unknown senders (photos in the inbox)</source>
            <translation>{n} von unbekannten Absendern (Fotos im Foto-Eingang)</translation>
        </message>
        <message>
            <source>{n} without photos (in the inbox)</source>
            <translation>{n} ohne Fotos (im Foto-Eingang)</translation>
        </message>
        <message>
            <source>{n} bounce(s) recorded</source>
            <translation>{n} Unzustellbarkeitsmeldung(en) erfasst</translation>
        </message>
        <message>
            <source>{n} delay report(s)</source>
            <translation>{n} Verzögerungsmeldung(en)</translation>
        </message>
        <message>
            <source>{n} bounce(s) of other mail</source>
            <translation>{n} Unzustellbarkeitsmeldung(en) zu anderen E-Mails</translation>
        </message>
        <message>
            <source>{n} automatic answer(s)</source>
            <translation>{n} automatische Antwort(en)</translation>
        </message>
        <message>
            <source>{n} read before, moved now</source>
            <translation>{n} schon gelesen, jetzt verschoben</translation>
        </message>
        <message>
            <source>stopped when the app quit, the rest is read at the next start</source>
            <translation>beim Beenden der App angehalten, der Rest wird beim nächsten Start gelesen</translation>
        </message>
        <message>
            <source>The PC {pc} reads the mailbox right now; nothing was read here.</source>
            <translation>Der PC {pc} liest gerade das Postfach; hier wurde nichts gelesen.</translation>
        </message>
        <message>
            <source>mailbox: {summary}</source>
            <translation>Postfach: {summary}</translation>
        </message>
        <message>
            <source>The encrypted connection to {where} failed ({why}). Port {n_starttls} usually needs {setting} = starttls, port {n_tls} needs tls.</source>
            <translation>Die verschlüsselte Verbindung zu {where} ist fehlgeschlagen ({why}). Port {n_starttls} braucht meist STARTTLS bei {setting}, Port {n_tls} braucht TLS.</translation>
        </message>
        <message>
            <source>The mail server {host} was not found. Check {setting} and this PC's internet connection.</source>
            <translation>Der Mailserver {host} wurde nicht gefunden. Prüfen Sie {setting} und die Internetverbindung dieses PCs.</translation>
        </message>
        <message>
            <source>The mail server {where} refused the connection. Check {host_setting} and {port_setting} ({n_starttls} for STARTTLS, {n_tls} for TLS).</source>
            <translation>Der Mailserver {where} hat die Verbindung abgelehnt. Prüfen Sie {host_setting} und {port_setting} ({n_starttls} für STARTTLS, {n_tls} für TLS).</translation>
        </message>
        <message>
            <source>an email that could not be read ({problem}); it is kept as it came</source>
            <translation>eine E-Mail, die nicht gelesen werden konnte ({problem}); sie wird aufbewahrt, wie sie kam</translation>
        </message>
        <message>
            <source>an unknown sender</source>
            <translation>einem unbekannten Absender</translation>
        </message>
        <message>
            <source>a reply we cannot match (from {sender}, subject '{subject}')</source>
            <translation>eine Antwort, die wir nicht zuordnen können (von {sender}, Betreff „{subject}“)</translation>
        </message>
        <message>
            <source>not a photo ({kind}) in an email from {sender}</source>
            <translation>kein Foto ({kind}) in einer E-Mail von {sender}</translation>
        </message>
        <message>
            <source>an email without photos from {sender} (subject '{subject}')</source>
            <translation>eine E-Mail ohne Fotos von {sender} (Betreff „{subject}“)</translation>
        </message>
        <message>
            <source>mail to {address} came back undeliverable ({reason}); change the address or confirm it on the patient's page</source>
            <translation>E-Mails an {address} kamen als unzustellbar zurück ({reason}); ändern oder bestätigen Sie die Adresse auf der Seite der Patientin / des Patienten</translation>
        </message>
        <message>
            <source>Bounced: {reason}</source>
            <translation>Unzustellbar: {reason}</translation>
        </message>
        <message>
            <source>{problem}: {what}. Free some space and {again}; nothing was lost.</source>
            <translation>{problem}: {what}. Schaffen Sie Platz und {again}; es ist nichts verloren gegangen.</translation>
        </message>
        <message>
            <source>A disk is full</source>
            <translation>Ein Datenträger ist voll</translation>
        </message>
        <message>
            <source>The disk holding {where} is full</source>
            <translation>Der Datenträger mit {where} ist voll</translation>
        </message>
        <message>
            <source>Clinic Desktop could not write to a disk (is it full?)</source>
            <translation>Clinic Desktop konnte nicht auf einen Datenträger schreiben (ist er voll?)</translation>
        </message>
        <message>
            <source>Clinic Desktop could not write to the disk holding {where} (is it full?)</source>
            <translation>Clinic Desktop konnte nicht auf den Datenträger mit {where} schreiben (ist er voll?)</translation>
        </message>
        <message>
            <source>stopped when the app quit; resumes at the next start</source>
            <translation>beim Beenden der App angehalten; geht beim nächsten Start weiter</translation>
        </message>
        <message>
            <source>stopped when the app quit; resumes at the next start ({n} finished step(s) not looked at yet)</source>
            <translation>beim Beenden der App angehalten; geht beim nächsten Start weiter ({n} abgelaufene Schritt(e) noch nicht geprüft)</translation>
        </message>
        <message>
            <source>{n_steps} finished step(s): {n_queued} email(s) queued, {n_attention} need attention</source>
            <translation>{n_steps} abgelaufene Schritt(e): {n_queued} E-Mail(s) eingereiht, {n_attention} zu prüfen</translation>
        </message>
        <message>
            <source>{n} advanced</source>
            <translation>{n} weitergeschaltet</translation>
        </message>
        <message>
            <source>{n_reminders} reminder(s), {n_digests} digest(s)</source>
            <translation>{n_reminders} Erinnerung(en), {n_digests} Tageszusammenfassung(en)</translation>
        </message>
        <message>
            <source>{n} failed</source>
            <translation>{n} fehlgeschlagen</translation>
        </message>
        <message>
            <source>unexpected error: {problem}</source>
            <translation>unerwarteter Fehler: {problem}</translation>
        </message>
        <message>
            <source>sending waits: the send window is closed {when}</source>
            <translation>der Versand wartet: das Versandfenster ist geschlossen {when}</translation>
        </message>
        <message>
            <source>{n} sent</source>
            <translation>{n} gesendet</translation>
        </message>
        <message>
            <source>{n} to retry</source>
            <translation>{n} werden erneut versucht</translation>
        </message>
        <message>
            <source>stopped when the app quit, the rest is sent at the next start</source>
            <translation>beim Beenden der App angehalten, der Rest geht beim nächsten Start hinaus</translation>
        </message>
        <message>
            <source>not sent: {problem}</source>
            <translation>nicht gesendet: {problem}</translation>
        </message>
        <message>
            <source>The PC {pc} is the sender right now: the emails go from there, so nothing was sent from here.</source>
            <translation>Der PC {pc} versendet gerade: Die E-Mails gehen von dort hinaus, von hier wurde nichts gesendet.</translation>
        </message>
        <message>
            <source>{pc} (process {n})</source>
            <translation>{pc} (Prozess {n})</translation>
        </message>
        <message>
            <source>watched folders: {problem}</source>
            <translation>überwachte Ordner: {problem}</translation>
        </message>
        <message>
            <source>{n} imported</source>
            <translation>{n} importiert</translation>
        </message>
        <message>
            <source>{n} unmatched</source>
            <translation>{n} ohne Patient/in</translation>
        </message>
        <message>
            <source>{n} refused</source>
            <translation>{n} abgelehnt</translation>
        </message>
        <message>
            <source>nothing new</source>
            <translation>nichts Neues</translation>
        </message>
        <message>
            <source>photos: {summary}</source>
            <translation>Fotos: {summary}</translation>
        </message>
        <message>
            <source>The sender lease could not be taken (the database did not answer); nothing was done here. The next run tries again.</source>
            <translation>Dieser PC konnte nicht zum Versender werden (die Datenbank hat nicht geantwortet); hier wurde nichts erledigt. Der nächste Lauf versucht es erneut.</translation>
        </message>
        <message>
            <source>The PC {pc} is the sender right now: it runs the daily check and sends the emails, so nothing was needed on this PC.</source>
            <translation>Der PC {pc} versendet gerade: Er führt die Tagesprüfung aus und sendet die E-Mails, auf diesem PC war nichts zu tun.</translation>
        </message>
        <message>
            <source>must be a single line</source>
            <translation>muss eine einzige Zeile sein</translation>
        </message>
        <message>
            <source>must be one of: {choices}</source>
            <translation>muss eines davon sein: {choices}</translation>
        </message>
        <message>
            <source>must be a time of day as HH:MM, e.g. 09:00</source>
            <translation>muss eine Uhrzeit als HH:MM sein, z. B. 09:00</translation>
        </message>
        <message>
            <source>must be an IANA time zone name such as Europe/Berlin or America/New_York</source>
            <translation>muss der Name einer IANA-Zeitzone sein, z. B. Europe/Berlin oder Europe/Vienna</translation>
        </message>
        <message>
            <source>must be a host name such as smtp.gmail.com or an IP address</source>
            <translation>muss ein Servername wie smtp.gmail.com oder eine IP-Adresse sein</translation>
        </message>
        <message>
            <source>must be an email address ({why})</source>
            <translation>muss eine E-Mail-Adresse sein ({why})</translation>
        </message>
        <message>
            <source>must be a whole number from {n_low} to {n_high}</source>
            <translation>muss eine ganze Zahl von {n_low} bis {n_high} sein</translation>
        </message>
        <message>
            <source>{setting} {rule} (got {raw}).</source>
            <translation>{setting} {rule} (eingegeben: {raw}).</translation>
        </message>
        <message>
            <source>{setting} {rule}.</source>
            <translation>{setting} {rule}.</translation>
        </message>
        <message>
            <source>must be yes or no</source>
            <translation>muss ja oder nein sein</translation>
        </message>
        <message>
            <source>must be a PNG or JPEG image of at most {n_megabytes} MB and {n_side}×{n_side} pixels, or empty for emails without a logo</source>
            <translation>muss ein PNG- oder JPEG-Bild von höchstens {n_megabytes} MB und {n_side}×{n_side} Pixeln sein, oder leer für E-Mails ohne Logo</translation>
        </message>
        <message>
            <source>must be a PEM file with the certificate of the CA that signed the mail server's certificate (it starts with -----BEGIN CERTIFICATE-----), or empty to trust only the system's certificates</source>
            <translation>muss eine PEM-Datei mit dem Zertifikat der Zertifizierungsstelle sein, die das Zertifikat des Mailservers ausgestellt hat (sie beginnt mit -----BEGIN CERTIFICATE-----), oder leer, um nur den Zertifikaten des Systems zu vertrauen</translation>
        </message>
        <message>
            <source>{path} does not exist</source>
            <translation>{path} gibt es nicht</translation>
        </message>
        <message>
            <source>{path} cannot be read ({why})</source>
            <translation>{path} lässt sich nicht lesen ({why})</translation>
        </message>
        <message>
            <source>{path} is a folder, not a file</source>
            <translation>{path} ist ein Ordner, keine Datei</translation>
        </message>
        <message>
            <source>{path} is not an ordinary file</source>
            <translation>{path} ist keine gewöhnliche Datei</translation>
        </message>
        <message>
            <source>{path} is {megabytes} MB</source>
            <translation>{path} ist {megabytes} MB groß</translation>
        </message>
        <message>
            <source>{path} is a {kind} image</source>
            <translation>{path} ist ein {kind}-Bild</translation>
        </message>
        <message>
            <source>{path} is {n_width}×{n_height} pixels</source>
            <translation>{path} hat {n_width}×{n_height} Pixel</translation>
        </message>
        <message>
            <source>{path} is not a PNG or JPEG image</source>
            <translation>{path} ist kein PNG- oder JPEG-Bild</translation>
        </message>
        <message>
            <source>{path} is damaged ({why})</source>
            <translation>{path} ist beschädigt ({why})</translation>
        </message>
        <message>
            <source>{path} holds no PEM certificate</source>
            <translation>{path} enthält kein PEM-Zertifikat</translation>
        </message>
        <message>
            <source>{path} is a system folder of the operating system, not a place for photos</source>
            <translation>{path} ist ein Systemordner des Betriebssystems, kein Ort für Fotos</translation>
        </message>
        <message>
            <source>{path} is a file, not a folder</source>
            <translation>{path} ist eine Datei, kein Ordner</translation>
        </message>
        <message>
            <source>must be a folder (it may be on a network share that is offline now), or empty for the data folder's photos/; {problem}</source>
            <translation>muss ein Ordner sein (er darf auf einer gerade nicht erreichbaren Netzwerkfreigabe liegen), oder leer für photos/ im Datenordner; {problem}</translation>
        </message>
        <message>
            <source>must be folders separated by semicolons (they may be on a network share that is offline now); {problems}</source>
            <translation>müssen Ordner sein, getrennt durch Semikolons (sie dürfen auf einer gerade nicht erreichbaren Netzwerkfreigabe liegen); {problems}</translation>
        </message>
        <message>
            <source>must be empty, a mailto: address or an https:// link</source>
            <translation>muss leer sein, eine mailto:-Adresse oder ein https://-Link</translation>
        </message>
        <message>
            <source>smtp.security = none would send patient emails unencrypted to {host}. It is only allowed for a relay on this PC (localhost); use starttls (port 587) or tls (port 465).</source>
            <translation>Ohne Verschlüsselung (smtp.security) gingen die E-Mails an Patient/innen unverschlüsselt an {host}. Das ist nur für einen Weiterleitungsdienst auf diesem PC (localhost) erlaubt; wählen Sie STARTTLS (Port 587) oder TLS (Port 465).</translation>
        </message>
        <message>
            <source>smtp.security = none would send patient emails unencrypted to {host}. It is only allowed for a relay on this PC (localhost); use starttls (port 587) or tls (port 465). Change smtp.security first, or both in one save.</source>
            <translation>Ohne Verschlüsselung (smtp.security) gingen die E-Mails an Patient/innen unverschlüsselt an {host}. Das ist nur für einen Weiterleitungsdienst auf diesem PC (localhost) erlaubt; wählen Sie STARTTLS (Port 587) oder TLS (Port 465). Ändern Sie zuerst smtp.security, oder beides in einem Speichern.</translation>
        </message>
        <message>
            <source>photos.library_dir {library} overlaps the watched folder {folder}: the folder watcher would take the library's own photos for new ones and move them out of the library. Choose a folder outside it.</source>
            <translation>photos.library_dir {library} überschneidet sich mit dem überwachten Ordner {folder}: Die Ordnerüberwachung hielte die Fotos der Fotoablage für neue und würde sie aus der Ablage verschieben. Wählen Sie einen Ordner außerhalb.</translation>
        </message>
        <message>
            <source>photos.watch_folders cannot include {folder}: it overlaps the photo library {library}, and the folder watcher would take the library's own photos for new ones and move them out of the library.</source>
            <translation>photos.watch_folders darf {folder} nicht enthalten: Er überschneidet sich mit der Fotoablage {library}, und die Ordnerüberwachung hielte die Fotos der Ablage für neue und würde sie aus der Ablage verschieben.</translation>
        </message>
        <message>
            <source>{server} (no encryption)</source>
            <translation>{server} (unverschlüsselt)</translation>
        </message>
        <message>
            <source>Sending email is not set up yet: set {setting} (clinic-desktop settings set KEY VALUE, or Settings → Email).</source>
            <translation>Der E-Mail-Versand ist noch nicht eingerichtet: {setting} fehlt (Einstellungen → E-Mail).</translation>
        </message>
        <message>
            <source>Sending email is not set up yet: set {setting} and {setting_other} (clinic-desktop settings set KEY VALUE, or Settings → Email).</source>
            <translation>Der E-Mail-Versand ist noch nicht eingerichtet: {setting} und {setting_other} fehlen (Einstellungen → E-Mail).</translation>
        </message>
        <message>
            <source>The CA file {path} (smtp.ca_file) cannot be used: {problem}.</source>
            <translation>Die Zertifikatsdatei {path} (smtp.ca_file) lässt sich nicht verwenden: {problem}.</translation>
        </message>
        <message>
            <source>The mail server {where} rejected the login for {user}: {words}. The password is not the problem: Microsoft 365 has SMTP AUTH (basic authentication for sending mail) switched off for this organisation or mailbox. A Microsoft 365 administrator must switch on Authenticated SMTP: for the organisation (Exchange admin centre → Settings → Mail flow → clear 'Turn off SMTP AUTH protocol for your organization') and for this mailbox (Microsoft 365 admin centre → Users → the mailbox → Mail → Manage email apps → Authenticated SMTP). Security defaults block it as well; then only OAuth2 works (docs/email.md).</source>
            <translation>Der Mailserver {where} hat die Anmeldung für {user} abgelehnt: {words}. Am Passwort liegt es nicht: Microsoft 365 hat SMTP AUTH (die einfache Anmeldung zum Versenden) für diese Organisation oder dieses Postfach abgeschaltet. Ein Microsoft-365-Administrator muss „Authentifiziertes SMTP“ einschalten: für die Organisation (Exchange Admin Center → Einstellungen → E-Mail-Fluss → 'SMTP AUTH-Protokoll für Ihre Organisation deaktivieren' abwählen) und für dieses Postfach (Microsoft 365 Admin Center → Benutzer → das Postfach → E-Mail → E-Mail-Apps verwalten → Authentifiziertes SMTP). Auch die Sicherheitsstandards sperren es; dann geht nur OAuth2 (docs/email.md).</translation>
        </message>
        <message>
            <source>The mail server {where} rejected the login for {user}: {words}. Check the password (clinic-desktop smtp set-password). Gmail needs an app password (Google account → Security → App passwords); Microsoft 365 needs SMTP AUTH enabled for this mailbox (or OAuth2).</source>
            <translation>Der Mailserver {where} hat die Anmeldung für {user} abgelehnt: {words}. Prüfen Sie das Passwort (Einstellungen → E-Mail). Gmail braucht ein App-Passwort (Google-Konto → Sicherheit → App-Passwörter); Microsoft 365 braucht SMTP AUTH für dieses Postfach (oder OAuth2).</translation>
        </message>
        <message>
            <source>The mail server {where} does not offer STARTTLS. Use smtp.security = tls with port 465, or ask the provider for the STARTTLS port (usually 587).</source>
            <translation>Der Mailserver {where} bietet kein STARTTLS an. Wählen Sie bei smtp.security TLS mit Port 465, oder fragen Sie den Anbieter nach dem STARTTLS-Port (meist 587).</translation>
        </message>
        <message>
            <source>The mail server {where} does not offer login (AUTH). Check smtp.security: most servers allow login only after STARTTLS or TLS.</source>
            <translation>Der Mailserver {where} bietet keine Anmeldung (AUTH) an. Prüfen Sie smtp.security: Die meisten Server erlauben die Anmeldung erst nach STARTTLS oder TLS.</translation>
        </message>
        <message>
            <source>The certificate of the mail server {where} is not trusted: {why}. If the clinic uses its own certificate authority, set smtp.ca_file to its certificate.</source>
            <translation>Dem Zertifikat des Mailservers {where} wird nicht vertraut: {why}. Hat die Praxis eine eigene Zertifizierungsstelle, wählen Sie deren Zertifikat bei smtp.ca_file.</translation>
        </message>
        <message>
            <source>The encrypted connection to {where} failed ({why}). Port 587 usually needs smtp.security = starttls, port 465 needs tls.</source>
            <translation>Die verschlüsselte Verbindung zu {where} ist fehlgeschlagen ({why}). Port 587 braucht meist STARTTLS bei smtp.security, Port 465 braucht TLS.</translation>
        </message>
        <message>
            <source>The mail server {host} was not found. Check smtp.host and this PC's internet connection.</source>
            <translation>Der Mailserver {host} wurde nicht gefunden. Prüfen Sie smtp.host und die Internetverbindung dieses PCs.</translation>
        </message>
        <message>
            <source>The mail server {where} refused the connection. Check smtp.host and smtp.port (587 for STARTTLS, 465 for TLS).</source>
            <translation>Der Mailserver {where} hat die Verbindung abgelehnt. Prüfen Sie smtp.host und smtp.port (587 für STARTTLS, 465 für TLS).</translation>
        </message>
        <message>
            <source>The mail server {where} did not answer within {n_seconds} seconds. Check smtp.host, smtp.port and the firewall.</source>
            <translation>Der Mailserver {where} hat nicht innerhalb von {n_seconds} Sekunden geantwortet. Prüfen Sie smtp.host, smtp.port und die Firewall.</translation>
        </message>
        <message>
            <source>The mail server {where} refused us: {words}.</source>
            <translation>Der Mailserver {where} hat uns abgewiesen: {words}.</translation>
        </message>
        <message>
            <source>Could not talk to the mail server {where}: {problem}.</source>
            <translation>Keine Verständigung mit dem Mailserver {where}: {problem}.</translation>
        </message>
        <message>
            <source>{problem} (attempt {n_attempt} of {n_attempts}; next try in {n_minutes} min)</source>
            <translation>{problem} (Versuch {n_attempt} von {n_attempts}; nächster Versuch in {n_minutes} Min.)</translation>
        </message>
        <message>
            <source>Gave up after {n_attempts} attempts. Last answer: {problem}</source>
            <translation>Nach {n_attempts} Versuchen aufgegeben. Letzte Antwort: {problem}</translation>
        </message>
        <message>
            <source>until {time}</source>
            <translation>bis {time}</translation>
        </message>
        <message>
            <source>for now</source>
            <translation>vorerst</translation>
        </message>
        <message>
            <source>this PC is no longer the sender (another PC took over, or the database did not answer); the rest goes out from the sender, or at the next run</source>
            <translation>dieser PC versendet nicht mehr (ein anderer PC hat übernommen, oder die Datenbank hat nicht geantwortet); der Rest geht vom versendenden PC hinaus, oder beim nächsten Lauf</translation>
        </message>
        <message>
            <source>Not sent: {problem}; ask the patient for another address.</source>
            <translation>Nicht gesendet: {problem}; fragen Sie die Patientin oder den Patienten nach einer anderen Adresse.</translation>
        </message>
        <message>
            <source>Not sent: {problem}; ask the doctor for another address.</source>
            <translation>Nicht gesendet: {problem}; fragen Sie die Ärztin oder den Arzt nach einer anderen Adresse.</translation>
        </message>
        <message>
            <source>The mail server {where} does not accept addresses with non-English letters before the @ (SMTPUTF8), such as the clinic's {address} ({setting}). Choose one with only English letters before the @ in Settings → Email.</source>
            <translation>Der Mailserver {where} nimmt keine Adressen mit Umlauten oder anderen nicht-englischen Buchstaben vor dem @ an (SMTPUTF8), wie die Adresse der Praxis {address} ({setting}). Wählen Sie unter Einstellungen → E-Mail eine mit nur englischen Buchstaben vor dem @.</translation>
        </message>
        <message>
            <source>The server refused the address {address}: {words}</source>
            <translation>Der Server hat die Adresse {address} abgelehnt: {words}</translation>
        </message>
        <message>
            <source>Temporary refusal: {words}</source>
            <translation>Vorübergehend abgelehnt: {words}</translation>
        </message>
        <message>
            <source>The server refused the email: {words}</source>
            <translation>Der Server hat die E-Mail abgelehnt: {words}</translation>
        </message>
        <message>
            <source>The connection dropped while sending ({why})</source>
            <translation>Die Verbindung brach beim Senden ab ({why})</translation>
        </message>
        <message>
            <source>Cannot send the test email: {problem}.</source>
            <translation>Die Test-E-Mail kann nicht gesendet werden: {problem}.</translation>
        </message>
        <message>
            <source>Connected to {where}.</source>
            <translation>Verbunden mit {where}.</translation>
        </message>
        <message>
            <source>Connected to {where}, logged in as {user}.</source>
            <translation>Verbunden mit {where}, angemeldet als {user}.</translation>
        </message>
        <message>
            <source>The mail server {where} does not accept addresses with non-English letters before the @ (SMTPUTF8), such as {address} or the clinic's sender or reply address.</source>
            <translation>Der Mailserver {where} nimmt keine Adressen mit Umlauten oder anderen nicht-englischen Buchstaben vor dem @ an (SMTPUTF8), wie {address} oder die Absender- oder Antwortadresse der Praxis.</translation>
        </message>
        <message>
            <source>The server refused the test email: {words}</source>
            <translation>Der Server hat die Test-E-Mail abgelehnt: {words}</translation>
        </message>
        <message>
            <source>Test email sent to {address} (Message-ID {message_id}).</source>
            <translation>Test-E-Mail an {address} gesendet (Message-ID {message_id}).</translation>
        </message>
        <message>
            <source>there is no email address</source>
            <translation>es gibt keine E-Mail-Adresse</translation>
        </message>
        <message>
            <source>the email address {address} is not valid ({why})</source>
            <translation>die E-Mail-Adresse {address} ist ungültig ({why})</translation>
        </message>
        <message>
            <source>the mail server does not accept addresses with non-English letters before the @ (SMTPUTF8), such as {address}</source>
            <translation>der Mailserver nimmt keine Adressen mit Umlauten oder anderen nicht-englischen Buchstaben vor dem @ an (SMTPUTF8), wie {address}</translation>
        </message>
        <message>
            <source>the patient has no email address</source>
            <translation>die Patientin oder der Patient hat keine E-Mail-Adresse</translation>
        </message>
        <message>
            <source>the patient has not agreed to receive emails</source>
            <translation>die Patientin oder der Patient hat E-Mails nicht zugestimmt</translation>
        </message>
        <message>
            <source>the patient's record was deleted</source>
            <translation>die Patientenakte wurde gelöscht</translation>
        </message>
        <message>
            <source>doctor {name}: {problem}</source>
            <translation>Ärztin/Arzt {name}: {problem}</translation>
        </message>
        <message>
            <source>Not sent: {problem}.</source>
            <translation>Nicht gesendet: {problem}.</translation>
        </message>
        <message>
            <source>Not sent: {problem} (changed after the email was queued).</source>
            <translation>Nicht gesendet: {problem} (geändert, nachdem die E-Mail eingereiht wurde).</translation>
        </message>
        <message>
            <source>Not sent: {why} before it went out.</source>
            <translation>Nicht gesendet: {why}, bevor sie hinausging.</translation>
        </message>
        <message>
            <source>the photo arrived</source>
            <translation>das Foto ist eingetroffen</translation>
        </message>
        <message>
            <source>staff completed the step</source>
            <translation>das Praxisteam hat den Schritt abgeschlossen</translation>
        </message>
        <message>
            <source>staff skipped the step</source>
            <translation>das Praxisteam hat den Schritt übersprungen</translation>
        </message>
        <message>
            <source>the next step started</source>
            <translation>der nächste Schritt hat begonnen</translation>
        </message>
        <message>
            <source>staff accepted the photo as it is</source>
            <translation>das Praxisteam hat das Foto so angenommen, wie es ist</translation>
        </message>
        <message>
            <source>not an ordinary file (a folder, a device, a pipe or a link to one of those, or a link to nothing); only photo files are imported.</source>
            <translation>keine gewöhnliche Datei (ein Ordner, ein Gerät, eine Pipe, eine Verknüpfung darauf oder eine Verknüpfung ins Leere); nur Fotodateien werden importiert.</translation>
        </message>
        <message>
            <source>the file is gone (moved or deleted).</source>
            <translation>die Datei ist nicht mehr da (verschoben oder gelöscht).</translation>
        </message>
        <message>
            <source>no permission to read it, or another program still has it open.</source>
            <translation>keine Berechtigung zum Lesen, oder ein anderes Programm hat sie noch geöffnet.</translation>
        </message>
        <message>
            <source>cannot be read ({why}).</source>
            <translation>lässt sich nicht lesen ({why}).</translation>
        </message>
        <message>
            <source>the file is {size}; photo files over {limit} are not imported (is it a video or a disk image?).</source>
            <translation>die Datei ist {size} groß; Fotodateien über {limit} werden nicht importiert (ist es ein Video oder ein Datenträgerabbild?).</translation>
        </message>
        <message>
            <source>the file is empty (0 bytes).</source>
            <translation>die Datei ist leer (0 Byte).</translation>
        </message>
        <message>
            <source>the image is far too large to open safely.</source>
            <translation>das Bild ist viel zu groß, um es sicher zu öffnen.</translation>
        </message>
        <message>
            <source>the image is too large to open with the memory this computer has.</source>
            <translation>das Bild ist zu groß für den Arbeitsspeicher dieses Computers.</translation>
        </message>
        <message>
            <source>the image is damaged or incomplete. If it is still being copied, try again when the copy has finished.</source>
            <translation>das Bild ist beschädigt oder unvollständig. Wird es noch kopiert, versuchen Sie es nach dem Kopieren erneut.</translation>
        </message>
        <message>
            <source>the image is damaged or incomplete ({why}). If it is still being copied, try again when the copy has finished.</source>
            <translation>das Bild ist beschädigt oder unvollständig ({why}). Wird es noch kopiert, versuchen Sie es nach dem Kopieren erneut.</translation>
        </message>
        <message>
            <source>not an image (or a kind of image Clinic Desktop cannot read). Photos must be JPEG, PNG, HEIC, WEBP or TIFF.</source>
            <translation>kein Bild (oder eine Bildart, die Clinic Desktop nicht lesen kann). Fotos müssen JPEG, PNG, HEIC, WEBP oder TIFF sein.</translation>
        </message>
        <message>
            <source>{kind} images are not supported. Photos must be JPEG, PNG, HEIC, WEBP or TIFF.</source>
            <translation>{kind}-Bilder werden nicht unterstützt. Fotos müssen JPEG, PNG, HEIC, WEBP oder TIFF sein.</translation>
        </message>
        <message>
            <source>the image is {n_width} × {n_height} pixels ({n_megapixels} megapixels); the limit is {n_limit} megapixels (setting photos.max_megapixels).</source>
            <translation>das Bild hat {n_width} × {n_height} Pixel ({n_megapixels} Megapixel); die Grenze liegt bei {n_limit} Megapixeln (Einstellung photos.max_megapixels).</translation>
        </message>
        <message>
            <source>the image is incomplete: its lower part is missing (the file was cut short). If it is still being copied, try again when the copy has finished.</source>
            <translation>das Bild ist unvollständig: Der untere Teil fehlt (die Datei wurde abgeschnitten). Wird es noch kopiert, versuchen Sie es nach dem Kopieren erneut.</translation>
        </message>
        <message>
            <source>the name matches several patients: {codes}</source>
            <translation>der Name passt zu mehreren Patient/innen: {codes}</translation>
        </message>
        <message>
            <source>no patient code in the file or folder name (e.g. P00123_front.jpg)</source>
            <translation>keine Patientennummer im Datei- oder Ordnernamen (z. B. P00123_front.jpg)</translation>
        </message>
        <message>
            <source>no patient with code {codes}</source>
            <translation>keine Patientin und kein Patient mit der Nummer {codes}</translation>
        </message>
        <message>
            <source>already waiting in the photo inbox as item {n}</source>
            <translation>wartet schon im Foto-Eingang als Eintrag {n}</translation>
        </message>
        <message>
            <source>already imported</source>
            <translation>schon importiert</translation>
        </message>
        <message>
            <source>already imported on {day} for {code}</source>
            <translation>schon am {day} für {code} importiert</translation>
        </message>
        <message>
            <source>already imported on {day} for {code}, step {n}</source>
            <translation>schon am {day} für {code} importiert, Schritt {n}</translation>
        </message>
        <message>
            <source>the photo {name} was not imported</source>
            <translation>das Foto {name} wurde nicht importiert</translation>
        </message>
        <message>
            <source>import it again</source>
            <translation>importieren Sie es erneut</translation>
        </message>
        <message>
            <source>not imported because of an unexpected error ({problem}); the details are in the log file in the data folder's logs/.</source>
            <translation>wegen eines unerwarteten Fehlers nicht importiert ({problem}); die Einzelheiten stehen in der Protokolldatei im Ordner logs/ des Datenordners.</translation>
        </message>
        <message>
            <source>{code} has no steps yet (no plan), so there is no step {n}; import the photo without a step.</source>
            <translation>{code} hat noch keine Schritte (keinen Plan), also keinen Schritt {n}; importieren Sie das Foto ohne Schritt.</translation>
        </message>
        <message>
            <source>{code} has no step {n}; their steps are {n_first} to {n_last}.</source>
            <translation>{code} hat keinen Schritt {n}; die Schritte sind {n_first} bis {n_last}.</translation>
        </message>
        <message>
            <source>Step {n} '{name}' of {code} has not started yet ({now}); a photo can go under the active step or an earlier one.</source>
            <translation>Schritt {n} „{name}“ von {code} hat noch nicht begonnen ({now}); ein Foto kann zum aktiven oder zu einem früheren Schritt.</translation>
        </message>
        <message>
            <source>the active step is {n} '{name}'</source>
            <translation>aktiv ist Schritt {n} „{name}“</translation>
        </message>
        <message>
            <source>no step is active</source>
            <translation>kein Schritt ist aktiv</translation>
        </message>
        <message>
            <source>There is no photo inbox item {n}.</source>
            <translation>Im Foto-Eingang gibt es keinen Eintrag {n}.</translation>
        </message>
        <message>
            <source>Inbox item {n} is {status}; only unmatched photos can be assigned.</source>
            <translation>Der Eintrag {n} im Foto-Eingang ist {status}; nur Fotos ohne Patient/in lassen sich zuordnen.</translation>
        </message>
        <message>
            <source>Inbox item {n} ({name}) was assigned to a patient; it is in their photos now and cannot be dismissed.</source>
            <translation>Der Eintrag {n} ({name}) im Foto-Eingang wurde schon zugeordnet; er ist jetzt bei den Fotos der Patientin oder des Patienten und lässt sich nicht verwerfen.</translation>
        </message>
        <message>
            <source>Work is waiting but nobody has checked or sent ever. Is the notifier running on any PC?</source>
            <translation>Es wartet Arbeit, aber noch nie hat ein PC geprüft oder gesendet. Läuft der Benachrichtigungsdienst auf einem PC?</translation>
        </message>
        <message>
            <source>Work is waiting but nobody has checked or sent since {when}. Is the notifier running on any PC?</source>
            <translation>Es wartet Arbeit, aber seit {when} hat kein PC geprüft oder gesendet. Läuft der Benachrichtigungsdienst auf einem PC?</translation>
        </message>
        <message>
            <source>Photo {n} was not held: it passed the quality check.</source>
            <translation>Foto {n} wurde nicht zurückgehalten: es hat die Qualitätsprüfung bestanden.</translation>
        </message>
        <message>
            <source>Photo {n} was accepted already, by {who} on {day}.</source>
            <translation>Foto {n} wurde bereits angenommen, von {who} am {day}.</translation>
        </message>
        <message>
            <source>There is no photo {n}.</source>
            <translation>Es gibt kein Foto {n}.</translation>
        </message>
        <message>
            <source>Photo {n} passed the quality check; there is nothing to ask the patient to retake.</source>
            <translation>Foto {n} hat die Qualitätsprüfung bestanden; ein neues Foto ist nicht nötig.</translation>
        </message>
        <message>
            <source>Photo {n} was accepted by {who}; there is nothing to ask the patient to retake.</source>
            <translation>Foto {n} wurde von {who} angenommen; ein neues Foto ist nicht nötig.</translation>
        </message>
        <message>
            <source>Photo {n} of {code} belongs to no step of the plan, so there is no step to ask a new photo for.</source>
            <translation>Foto {n} von {code} gehört zu keinem Schritt des Plans; es gibt keinen Schritt, für den ein neues Foto nötig wäre.</translation>
        </message>
        <message>
            <source>There is no email with id {n} in the outbox.</source>
            <translation>Im Postausgang gibt es keine E-Mail mit der Nummer {n}.</translation>
        </message>
        <message>
            <source>Email {n} is {status}; only failed, held (needs attention) or cancelled emails can be retried.</source>
            <translation>E-Mail {n} ist {status}; nur fehlgeschlagene, zurückgehaltene oder abgebrochene E-Mails lassen sich erneut senden.</translation>
        </message>
        <message>
            <source>The patient of email {n} no longer exists.</source>
            <translation>Die Patientin oder der Patient der E-Mail {n} existiert nicht mehr.</translation>
        </message>
        <message>
            <source>Email {n} still cannot be sent: {problem}. Fix the patient's details first.</source>
            <translation>E-Mail {n} kann noch immer nicht gesendet werden: {problem}. Korrigieren Sie zuerst die Angaben der Patientin oder des Patienten.</translation>
        </message>
        <message>
            <source>Email {n} to {address} is queued again.</source>
            <translation>E-Mail {n} an {address} ist wieder eingereiht.</translation>
        </message>
        <message>
            <source>Email {n} is {status} and cannot be cancelled.</source>
            <translation>E-Mail {n} ist {status} und lässt sich nicht mehr abbrechen.</translation>
        </message>
        <message>
            <source>Email {n} will not be sent.</source>
            <translation>E-Mail {n} wird nicht gesendet.</translation>
        </message>
        <message>
            <source>{code} has no active step to remind about.</source>
            <translation>{code} hat keinen aktiven Schritt, an den erinnert werden könnte.</translation>
        </message>
        <message>
            <source>No new reminder for {code}: {why}.</source>
            <translation>Keine neue Erinnerung für {code}: {why}.</translation>
        </message>
        <message>
            <source>{code} was already sent a photo reminder today ({time}); at most one a day.</source>
            <translation>{code} hat heute schon eine Foto-Erinnerung bekommen ({time}); höchstens eine am Tag.</translation>
        </message>
        <message>
            <source>The reminder cannot be emailed: {problem}. It is listed in the outbox.</source>
            <translation>Die Erinnerung kann nicht gemailt werden: {problem}. Sie steht im Postausgang.</translation>
        </message>
        <message>
            <source>A photo reminder to {address} is queued.</source>
            <translation>Eine Foto-Erinnerung an {address} ist eingereiht.</translation>
        </message>
        <message>
            <source>No password store is available on this PC, so the mail password cannot be kept safely. On Windows this is Credential Manager and should always be there (if you run a packaged build, reinstall it). On Linux install and unlock a Secret Service provider such as GNOME Keyring or KeePassXC.</source>
            <translation>Auf diesem PC ist kein Passwortspeicher verfügbar, daher kann das Mail-Passwort nicht sicher aufbewahrt werden. Unter Windows ist das die Anmeldeinformationsverwaltung, die immer vorhanden sein sollte (installieren Sie ein gepacktes Programm ggf. neu). Unter Linux installieren und entsperren Sie einen Secret-Service-Anbieter wie GNOME Keyring oder KeePassXC.</translation>
        </message>
        <message>
            <source>The password store in use ({store}) does not encrypt passwords. Install a proper keyring (Credential Manager, GNOME Keyring, KeePassXC).</source>
            <translation>Der verwendete Passwortspeicher ({store}) verschlüsselt Passwörter nicht. Installieren Sie einen richtigen Schlüsselbund (Anmeldeinformationsverwaltung, GNOME Keyring, KeePassXC).</translation>
        </message>
        <message>
            <source>Set the mail account first: clinic-desktop settings set {setting} ACCOUNT</source>
            <translation>Geben Sie zuerst das Mailkonto an: {setting}</translation>
        </message>
        <message>
            <source>The password is empty; nothing was stored.</source>
            <translation>Das Passwort ist leer; es wurde nichts gespeichert.</translation>
        </message>
        <message>
            <source>The password is {n} characters long; Windows Credential Manager keeps at most {n_most}. Nothing was stored.</source>
            <translation>Das Passwort ist {n} Zeichen lang; die Windows-Anmeldeinformationsverwaltung speichert höchstens {n_most}. Es wurde nichts gespeichert.</translation>
        </message>
        <message>
            <source>The password store refused the password ({problem}). Nothing was stored.</source>
            <translation>Der Passwortspeicher hat das Passwort abgelehnt ({problem}). Es wurde nichts gespeichert.</translation>
        </message>
        <message>
            <source>The password store refused the password ({problem}).</source>
            <translation>Der Passwortspeicher hat das Passwort abgelehnt ({problem}).</translation>
        </message>
        <message>
            <source>The password store is not available ({problem}). Unlock it and try again.</source>
            <translation>Der Passwortspeicher ist nicht verfügbar ({problem}). Entsperren Sie ihn und versuchen Sie es erneut.</translation>
        </message>
        <message>
            <source>There is no database at {path} to back up.</source>
            <translation>Unter {path} gibt es keine Datenbank, die gesichert werden könnte.</translation>
        </message>
        <message>
            <source>the backup of {path} was not written</source>
            <translation>die Sicherung von {path} wurde nicht geschrieben</translation>
        </message>
        <message>
            <source>back up again</source>
            <translation>sichern Sie erneut</translation>
        </message>
        <message>
            <source>Cannot create the backup folder {folder}: {problem}</source>
            <translation>Der Sicherungsordner {folder} kann nicht angelegt werden: {problem}</translation>
        </message>
        <message>
            <source>The backup of {path} failed: {problem}. Nothing was changed.</source>
            <translation>Die Sicherung von {path} ist fehlgeschlagen: {problem}. Es wurde nichts geändert.</translation>
        </message>
        <message>
            <source>The backup of {path} is damaged ({problem}). Nothing was changed; run `clinic-desktop db check`.</source>
            <translation>Die Sicherung von {path} ist beschädigt ({problem}). Es wurde nichts geändert; lassen Sie die Datenbank von Ihrem IT-Kontakt prüfen.</translation>
        </message>
        <message>
            <source>The database is busy: another Clinic Desktop program has been writing to it for {n_seconds} seconds. Nothing was changed; try again in a moment.</source>
            <translation>Die Datenbank ist belegt: Ein anderes Clinic-Desktop-Programm schreibt seit {n_seconds} Sekunden hinein. Es wurde nichts geändert; versuchen Sie es gleich noch einmal.</translation>
        </message>
        <message>
            <source>The database did not answer ({problem}). Check that the database server or shared folder can be reached, then try again.</source>
            <translation>Die Datenbank hat nicht geantwortet ({problem}). Prüfen Sie, ob der Datenbankserver oder der freigegebene Ordner erreichbar ist, und versuchen Sie es dann erneut.</translation>
        </message>
        <message>
            <source>code {code} must be 1-40 letters, digits, '-' or '_' (e.g. P00123)</source>
            <translation>die Patientennummer {code} muss aus 1–40 Buchstaben, Ziffern, '-' oder '_' bestehen (z. B. P00123)</translation>
        </message>
        <message>
            <source>code {code} is already used by another patient</source>
            <translation>die Patientennummer {code} hat schon ein anderer Patient</translation>
        </message>
        <message>
            <source>a first or last name is required</source>
            <translation>ein Vor- oder Nachname ist nötig</translation>
        </message>
        <message>
            <source>email {email} is not valid: {problem}</source>
            <translation>die E-Mail-Adresse {email} ist ungültig: {problem}</translation>
        </message>
        <message>
            <source>email consent is ticked but there is no email address</source>
            <translation>die Einwilligung zu E-Mails ist angekreuzt, aber es gibt keine E-Mail-Adresse</translation>
        </message>
        <message>
            <source>phone {phone} may only hold digits, spaces and + ( ) . / -</source>
            <translation>die Telefonnummer {phone} darf nur Ziffern, Leerzeichen und + ( ) . / - enthalten</translation>
        </message>
        <message>
            <source>language {language} must be one of: {languages} (the languages with email templates)</source>
            <translation>die Sprache {language} muss eine von diesen sein: {languages} (die Sprachen mit E-Mail-Vorlagen)</translation>
        </message>
        <message>
            <source>doctor {doctor} is not known (add them with `clinic-desktop doctors add`)</source>
            <translation>die Ärztin / der Arzt {doctor} ist nicht bekannt</translation>
        </message>
        <message>
            <source>There is no patient with code {code}.</source>
            <translation>Es gibt keinen Patienten mit der Nummer {code}.</translation>
        </message>
        <message>
            <source>A doctor needs a name.</source>
            <translation>Eine Ärztin / ein Arzt braucht einen Namen.</translation>
        </message>
        <message>
            <source>A doctor named {doctor} already exists.</source>
            <translation>Eine Ärztin / ein Arzt namens {doctor} existiert bereits.</translation>
        </message>
        <message>
            <source>Email {email} is not valid: {problem}.</source>
            <translation>Die E-Mail-Adresse {email} ist ungültig: {problem}.</translation>
        </message>
        <message>
            <source>Email_consent {value} must be yes or no.</source>
            <translation>Die Einwilligung zu E-Mails {value} muss ja oder nein sein.</translation>
        </message>
        <message>
            <source>Cannot read {path}: {problem}.</source>
            <translation>{path} kann nicht gelesen werden: {problem}.</translation>
        </message>
        <message>
            <source>Cannot write {path}: {problem}.</source>
            <translation>{path} kann nicht geschrieben werden: {problem}.</translation>
        </message>
        <message>
            <source>{path} is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8' and try again.</source>
            <translation>{path} ist weder UTF-8- noch Windows-1252-Text; speichern Sie die Datei als 'CSV UTF-8' und versuchen Sie es erneut.</translation>
        </message>
        <message>
            <source>{file} has no column(s) {missing}. The first line must name the columns: {columns}.</source>
            <translation>In {file} fehlen die Spalte(n) {missing}. Die erste Zeile muss die Spalten nennen: {columns}.</translation>
        </message>
        <message>
            <source>Code {code} appears again (first on line {n}).</source>
            <translation>Die Patientennummer {code} kommt noch einmal vor (zuerst in Zeile {n}).</translation>
        </message>
        <message>
            <source>A plan template needs a name.</source>
            <translation>Eine Planvorlage braucht einen Namen.</translation>
        </message>
        <message>
            <source>A plan template's name can be at most {n_most} characters; this one has {n}.</source>
            <translation>Der Name einer Planvorlage darf höchstens {n_most} Zeichen haben; dieser hat {n}.</translation>
        </message>
        <message>
            <source>Plan template {plan} needs at least one step.</source>
            <translation>Die Planvorlage {plan} braucht mindestens einen Schritt.</translation>
        </message>
        <message>
            <source>Step {n} of {plan}</source>
            <translation>Schritt {n} von {plan}</translation>
        </message>
        <message>
            <source>Step {n} of {plan} needs a name.</source>
            <translation>Schritt {n} von {plan} braucht einen Namen.</translation>
        </message>
        <message>
            <source>The name of step {n} of {plan} can be at most {n_most} characters.</source>
            <translation>Der Name von Schritt {n} von {plan} darf höchstens {n_most} Zeichen haben.</translation>
        </message>
        <message>
            <source>A plan template named {plan} already exists.</source>
            <translation>Eine Planvorlage namens {plan} existiert bereits.</translation>
        </message>
        <message>
            <source>That plan template no longer exists; another PC may have deleted it.</source>
            <translation>Diese Planvorlage gibt es nicht mehr; vielleicht hat ein anderer PC sie gelöscht.</translation>
        </message>
        <message>
            <source>The plan templates {plan} and {plans} differ only in upper and lower case; type the name exactly as listed, or rename one of them.</source>
            <translation>Die Planvorlagen {plan} und {plans} unterscheiden sich nur in Groß- und Kleinschreibung; geben Sie den Namen genau wie aufgeführt ein oder benennen Sie eine davon um.</translation>
        </message>
        <message>
            <source>none yet</source>
            <translation>noch keine</translation>
        </message>
        <message>
            <source>There is no plan template named {plan}. Templates: {plans}.</source>
            <translation>Es gibt keine Planvorlage namens {plan}. Planvorlagen: {plans}.</translation>
        </message>
        <message>
            <source>Patient {code} still has {n} step(s) to do. Finish or skip them before applying another plan.</source>
            <translation>Patient/in {code} hat noch {n} offene(n) Schritt(e). Schließen Sie sie ab oder überspringen Sie sie, bevor Sie einen weiteren Plan zuweisen.</translation>
        </message>
        <message>
            <source>Step {n} '{step}' is not the patient's active step.</source>
            <translation>Schritt {n} '{step}' ist nicht der aktive Schritt des Patienten.</translation>
        </message>
        <message>
            <source>Step {n} '{step}' is already completed.</source>
            <translation>Schritt {n} '{step}' ist bereits abgeschlossen.</translation>
        </message>
        <message>
            <source>Only the active step can be paused; step {n} is not active.</source>
            <translation>Nur der aktive Schritt kann pausiert werden; Schritt {n} ist nicht aktiv.</translation>
        </message>
        <message>
            <source>Pause until {day} is not after today ({day_today}); choose a later date.</source>
            <translation>Eine Pause bis {day} endet nicht nach heute ({day_today}); wählen Sie ein späteres Datum.</translation>
        </message>
        <message>
            <source>A pause can last at most {n_most} days (2 years); {day} is {n} days after today ({day_today}).</source>
            <translation>Eine Pause darf höchstens {n_most} Tage (2 Jahre) dauern; der {day} liegt {n} Tage nach heute ({day_today}).</translation>
        </message>
        <message>
            <source>The step is already paused until {day}.</source>
            <translation>Der Schritt ist bereits bis {day} pausiert.</translation>
        </message>
        <message>
            <source>Step {n} '{step}' is not paused.</source>
            <translation>Schritt {n} '{step}' ist nicht pausiert.</translation>
        </message>
        <message>
            <source>Step {n} '{step}' is completed; its duration is history.</source>
            <translation>Schritt {n} '{step}' ist abgeschlossen; seine Dauer lässt sich nicht mehr ändern.</translation>
        </message>
        <message>
            <source>Step {n} '{step}' has started; only steps that have not started can be moved.</source>
            <translation>Schritt {n} '{step}' hat schon begonnen; nur Schritte, die noch nicht begonnen haben, lassen sich verschieben.</translation>
        </message>
        <message>
            <source>Position must be from 1 to {n} among the steps that have not started.</source>
            <translation>Die Position muss zwischen 1 und {n} liegen (unter den Schritten, die noch nicht begonnen haben).</translation>
        </message>
        <message>
            <source>A step needs a name.</source>
            <translation>Ein Schritt braucht einen Namen.</translation>
        </message>
        <message>
            <source>Patient {code} has no completed step to undo.</source>
            <translation>Patient/in {code} hat keinen abgeschlossenen Schritt, der sich rückgängig machen ließe.</translation>
        </message>
        <message>
            <source>Step {n} '{step}' has already been announced as finished to the patient; the progression cannot be undone.</source>
            <translation>Dem Patienten wurde bereits mitgeteilt, dass Schritt {n} '{step}' abgelaufen ist; der Schrittwechsel kann nicht rückgängig gemacht werden.</translation>
        </message>
        <message>
            <source>a photo reminder is already waiting to be sent</source>
            <translation>eine Foto-Erinnerung wartet bereits auf den Versand</translation>
        </message>
        <message>
            <source>the last photo reminder could not be delivered; fix it and retry it in the outbox first</source>
            <translation>die letzte Foto-Erinnerung konnte nicht zugestellt werden; beheben Sie das Problem und senden Sie sie zuerst im Postausgang erneut</translation>
        </message>
        <message>
            <source>A step</source>
            <translation>Ein Schritt</translation>
        </message>
        <message>
            <source>{what} must last at least 1 day.</source>
            <translation>{what} muss mindestens 1 Tag dauern.</translation>
        </message>
        <message>
            <source>{what} can last at most {n_most} days (10 years); {n} days looks like a typo.</source>
            <translation>{what} darf höchstens {n_most} Tage (10 Jahre) dauern; {n} Tage sehen nach einem Tippfehler aus.</translation>
        </message>
        <message>
            <source>the template would make a text or list longer than {size} characters or items</source>
            <translation>die Vorlage würde einen Text oder eine Liste mit mehr als {size} Zeichen oder Einträgen erzeugen</translation>
        </message>
        <message>
            <source>the template takes too long to fill in</source>
            <translation>das Ausfüllen der Vorlage dauert zu lange</translation>
        </message>
        <message>
            <source>range(...) goes over more than {size} items</source>
            <translation>range(...) läuft über mehr als {size} Einträge</translation>
        </message>
        <message>
            <source>the template calculates a number larger than {size}</source>
            <translation>die Vorlage berechnet eine Zahl größer als {size}</translation>
        </message>
        <message>
            <source>a macro calls itself too often</source>
            <translation>ein Makro ruft sich zu oft selbst auf</translation>
        </message>
        <message>
            <source>would be larger than {n} KB</source>
            <translation>würde größer als {n} KB</translation>
        </message>
        <message>
            <source>Subject</source>
            <translation>Betreff</translation>
        </message>
        <message>
            <source>Text part</source>
            <translation>Textteil</translation>
        </message>
        <message>
            <source>HTML part</source>
            <translation>HTML-Teil</translation>
        </message>
        <message>
            <source>{part} of the {kind} email is empty.</source>
            <translation>{part} der E-Mail {kind} ist leer.</translation>
        </message>
        <message>
            <source>{part}, line {n}: {problem}</source>
            <translation>{part}, Zeile {n}: {problem}</translation>
        </message>
        <message>
            <source>{part} {problem}: shorten the template or what it repeats.</source>
            <translation>{part} {problem}: Kürzen Sie die Vorlage oder das, was sie wiederholt.</translation>
        </message>
        <message>
            <source>Subject: {problem}</source>
            <translation>Betreff: {problem}</translation>
        </message>
        <message>
            <source>Text part: {problem}</source>
            <translation>Textteil: {problem}</translation>
        </message>
        <message>
            <source>HTML part: {problem}</source>
            <translation>HTML-Teil: {problem}</translation>
        </message>
        <message>
            <source>{name} is undefined</source>
            <translation>{name} ist in dieser E-Mail unbekannt</translation>
        </message>
        <message>
            <source>{thing} has no attribute {name}</source>
            <translation>{thing} hat kein Feld {name}</translation>
        </message>
        <message>
            <source>Unknown email kind {kind}. Kinds: {kinds}.</source>
            <translation>Unbekannte E-Mail-Art {kind}. Arten: {kinds}.</translation>
        </message>
        <message>
            <source>There are no templates in language {language}. Languages: {languages}.</source>
            <translation>Es gibt keine Vorlagen in der Sprache {language}. Sprachen: {languages}.</translation>
        </message>
        <message>
            <source>cannot be looked at ({problem})</source>
            <translation>kann nicht angesehen werden ({problem})</translation>
        </message>
        <message>
            <source>there is no such file or folder</source>
            <translation>diese Datei oder diesen Ordner gibt es nicht</translation>
        </message>
        <message>
            <source>the folder cannot be read ({problem}); the photos in it were not imported</source>
            <translation>der Ordner kann nicht gelesen werden ({problem}); die Fotos darin wurden nicht importiert</translation>
        </message>
        <message>
            <source>The watched folder {folder} cannot be reached.</source>
            <translation>Der überwachte Ordner {folder} ist nicht erreichbar.</translation>
        </message>
        <message>
            <source>{path} in a watched folder: {problem}</source>
            <translation>{path} in einem überwachten Ordner: {problem}</translation>
        </message>
        <message>
            <source>the photos in the watched folders were not taken; they stay where they are</source>
            <translation>die Fotos in den überwachten Ordnern wurden nicht übernommen; sie bleiben, wo sie sind</translation>
        </message>
        <message>
            <source>the watcher takes them at its next look</source>
            <translation>die Ordnerüberwachung übernimmt sie beim nächsten Nachsehen</translation>
        </message>
        <message>
            <source>No mail password is stored for {account} on this PC. Store it with `clinic-desktop smtp set-password` (or in Settings).</source>
            <translation>Für {account} ist auf diesem PC kein Mail-Passwort gespeichert. Speichern Sie es in den Einstellungen.</translation>
        </message>
        <message>
            <source>No mail password is stored for {account} on this PC. Store it with `clinic-desktop imap set-password` (or in Settings).</source>
            <translation>Für {account} ist auf diesem PC kein Mail-Passwort für das Praxis-Postfach gespeichert. Speichern Sie es in den Einstellungen.</translation>
        </message>
        <message>
            <source>{address} is not an email address.</source>
            <translation>{address} ist keine E-Mail-Adresse.</translation>
        </message>
        <message>
            <source>{address} is not an email address ({problem}).</source>
            <translation>{address} ist keine E-Mail-Adresse ({problem}).</translation>
        </message>
        <message>
            <source>The logo {path} cannot be read ({problem}). Choose another file or clear the {setting} setting.</source>
            <translation>Das Logo {path} kann nicht gelesen werden ({problem}). Wählen Sie eine andere Datei oder leeren Sie das Feld {setting}.</translation>
        </message>
        <message>
            <source>The logo {path} is not a PNG or JPEG image.</source>
            <translation>Das Logo {path} ist kein PNG- oder JPEG-Bild.</translation>
        </message>
        <message>
            <source>The photo library {folder} cannot be written ({problem}). Check that the folder (or network share) is reachable and writable.</source>
            <translation>In die Fotobibliothek {folder} kann nicht geschrieben werden ({problem}). Prüfen Sie, ob der Ordner (oder die Netzwerkfreigabe) erreichbar und beschreibbar ist.</translation>
        </message>
        <message>
            <source>Preview for a patient covers the patient emails (step_finished, step_started, photo_reminder), not {kind}.</source>
            <translation>Die Vorschau für eine Patientin oder einen Patienten zeigt nur die E-Mails an Patienten (Foto erforderlich, neuer Behandlungsschritt, Foto-Erinnerung), nicht {kind}.</translation>
        </message>
        <message>
            <source>Patient {code} has no active step to write about.</source>
            <translation>{code} hat keinen aktiven Behandlungsschritt, über den geschrieben werden könnte.</translation>
        </message>
        <message>
            <source>Email {n} has no text and its patient or step is gone.</source>
            <translation>Die E-Mail {n} hat keinen Text, und ihre Patientin oder ihr Patient oder ihr Behandlungsschritt existiert nicht mehr.</translation>
        </message>
        <message>
            <source>“{view}” is not a view of the teeth: front, left, right, upper or lower (or none).</source>
            <translation>„{view}“ ist keine Ansicht der Zähne: front, left, right, upper oder lower (oder none).</translation>
        </message>
    </context>
    <context>
        <name>tasks</name>
        <message>
            <source>Something unexpected went wrong ({problem}). The details are in the log file.</source>
            <translation>Etwas Unerwartetes ist schiefgegangen ({problem}). Die Einzelheiten stehen in der Protokolldatei.</translation>
        </message>
    </context>
</TS>
