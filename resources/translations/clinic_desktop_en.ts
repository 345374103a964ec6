<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
    <context>
        <name>ImportDialog</name>
        <message numerus="yes">
            <source>%n file(s): {parts}.</source>
            <translation>
                <numerusform>%n file: {parts}.</numerusform>
                <numerusform>%n files: {parts}.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>InboxView</name>
        <message numerus="yes">
            <source>%n photo(s) need a decision. Drop photo files or folders here to import them; names like P00123_front.jpg find their patient.</source>
            <translation>
                <numerusform>%n photo needs a decision. Drop photo files or folders here to import them; names like P00123_front.jpg find their patient.</numerusform>
                <numerusform>%n photos need a decision. Drop photo files or folders here to import them; names like P00123_front.jpg find their patient.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>OutboxView</name>
        <message numerus="yes">
            <source>The newest %n emails.</source>
            <translation>
                <numerusform>The newest email.</numerusform>
                <numerusform>The newest %n emails.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n email(s) with the status “{status}”, newest first.</source>
            <translation>
                <numerusform>%n email with the status “{status}”, newest first.</numerusform>
                <numerusform>%n emails with the status “{status}”, newest first.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n email(s), newest first.</source>
            <translation>
                <numerusform>%n email, newest first.</numerusform>
                <numerusform>%n emails, newest first.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>PatientsView</name>
        <message numerus="yes">
            <source>%n patient(s)</source>
            <translation>
                <numerusform>%n patient</numerusform>
                <numerusform>%n patients</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>… and %n more</source>
            <translation>
                <numerusform>… and %n more</numerusform>
                <numerusform>… and %n more</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Nothing was imported: %n row(s) need fixing first.</source>
            <translation>
                <numerusform>Nothing was imported: %n row needs fixing first.</numerusform>
                <numerusform>Nothing was imported: %n rows need fixing first.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Imported %n patient(s).</source>
            <translation>
                <numerusform>Imported %n patient.</numerusform>
                <numerusform>Imported %n patients.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Exported %n patient(s) to {path}.</source>
            <translation>
                <numerusform>Exported %n patient to {path}.</numerusform>
                <numerusform>Exported %n patients to {path}.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>PhotoTimeline</name>
        <message numerus="yes">
            <source>%n photo(s) in {groups} step group(s). Double-click to view; Ctrl+click two (in any steps) and press Compare.</source>
            <translation>
                <numerusform>%n photo in {groups} step group. Double-click to view; Ctrl+click two (in any steps) and press Compare.</numerusform>
                <numerusform>%n photos in {groups} step group(s). Double-click to view; Ctrl+click two (in any steps) and press Compare.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Report written: {path} (%n page(s)).</source>
            <translation>
                <numerusform>Report written: {path} (%n page).</numerusform>
                <numerusform>Report written: {path} (%n pages).</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>PlansView</name>
        <message numerus="yes">
            <source>%n step(s), {days} days in all</source>
            <translation>
                <numerusform>%n step, {days} days in all</numerusform>
                <numerusform>%n steps, {days} days in all</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SettingsView</name>
        <message numerus="yes">
            <source>Not saved: %n field(s) need fixing (in red).</source>
            <translation>
                <numerusform>Not saved: %n field needs fixing (in red).</numerusform>
                <numerusform>Not saved: %n fields need fixing (in red).</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>TemplateDialog</name>
        <message numerus="yes">
            <source>%n step(s), {days} days in all</source>
            <translation>
                <numerusform>%n step, {days} days in all</numerusform>
                <numerusform>%n steps, {days} days in all</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ForecastPanel</name>
        <message numerus="yes">
            <source>{day}: %n email(s)</source>
            <translation>
                <numerusform>{day}: %n email</numerusform>
                <numerusform>{day}: %n emails</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>, %n sent, the last at {time}</source>
            <translation>
                <numerusform>, %n sent at {time}</numerusform>
                <numerusform>, %n sent, the last at {time}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>, %n held back</source>
            <translation>
                <numerusform>, %n held back</numerusform>
                <numerusform>, %n held back</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>TodayView</name>
        <message numerus="yes">
            <source>%n photo(s) received {when}</source>
            <translation>
                <numerusform>%n photo received {when}</numerusform>
                <numerusform>%n photos received {when}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>, %n day(s) late</source>
            <translation>
                <numerusform>, %n day late</numerusform>
                <numerusform>, %n days late</numerusform>
            </translation>
        </message>
    </context>
</TS>
