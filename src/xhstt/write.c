/*
 * Writing an XHSTT solution: the input archive up to the end of its
 * <Instances> (so the instance is byte for byte the one read), then one
 * <SolutionGroups> with our solution: one <Event> per meet with its
 * duration, its time and the resources of its open roles (preassigned
 * ones are part of the instance and are not repeated).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "xhstt/internal.h"
#include "timetable/xml.h"

int xh_write(const char *in_path, const struct xh_instance *inst,
             const struct xh_solution *sol, const char *group_id, const char *path,
             char **error_r)
{
    size_t len;
    char *data = xh_read_bytes(in_path, (long)64 << 20, &len, error_r);
    if (!data)
        return -1;
    char *end = strstr(data, "</Instances>");
    if (!end) {
        *error_r = str_fmt("%s: no se encontró </Instances>.", str_base_name(in_path));
        free(data);
        return -1;
    }
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_add(&sb, data, (size_t)(end - data) + strlen("</Instances>"));
    free(data);
    char date[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d", &tm);
    strbuf_adds(&sb, "\n  <SolutionGroups>\n    <SolutionGroup Id=\"");
    xml_escape(&sb, group_id);
    strbuf_addf(&sb, "\">\n      <MetaData>\n        <Contributor>BiScheduler</Contributor>\n"
                     "        <Date>%s</Date>\n"
                     "        <Description>Solved by the BiScheduler timetabling engine"
                     "</Description>\n      </MetaData>\n      <Solution Reference=\"", date);
    xml_escape(&sb, inst->id);
    strbuf_adds(&sb, "\">\n        <Events>\n");
    for (int i = 0; i < sol->nmeets; i++) {
        const struct xh_meet *m = &sol->meets[i];
        const struct xh_event *ev = &inst->events[m->event];
        strbuf_adds(&sb, "          <Event Reference=\"");
        xml_escape(&sb, ev->id);
        strbuf_addf(&sb, "\">\n            <Duration>%d</Duration>\n", m->duration);
        if (m->time >= 0) {
            strbuf_adds(&sb, "            <Time Reference=\"");
            xml_escape(&sb, inst->time_ids[m->time]);
            strbuf_adds(&sb, "\"/>\n");
        }
        bool any = false;
        for (int k = 0; k < ev->neres; k++) {
            if (ev->eres[k].res >= 0 || m->res[k] < 0)
                continue;
            strbuf_adds(&sb, any ? "" : "            <Resources>\n");
            any = true;
            strbuf_adds(&sb, "              <Resource Reference=\"");
            xml_escape(&sb, inst->res[m->res[k]].id);
            strbuf_adds(&sb, "\">\n                <Role>");
            xml_escape(&sb, ev->eres[k].role);
            strbuf_adds(&sb, "</Role>\n              </Resource>\n");
        }
        if (any)
            strbuf_adds(&sb, "            </Resources>\n");
        strbuf_adds(&sb, "          </Event>\n");
    }
    strbuf_adds(&sb, "        </Events>\n      </Solution>\n    </SolutionGroup>\n"
                     "  </SolutionGroups>\n</HighSchoolTimetableArchive>\n");
    FILE *f = fopen(path, "w");
    if (!f) {
        *error_r = str_fmt("No se pudo crear «%s»: %s.", path, strerror(errno));
        strbuf_cleanup(&sb);
        return -1;
    }
    bool ok = fwrite(sb.data, 1, sb.len, f) == sb.len;
    ok = fclose(f) == 0 && ok;
    strbuf_cleanup(&sb);
    if (!ok) {
        *error_r = str_fmt("No se pudo escribir «%s».", path);
        return -1;
    }
    return 0;
}
