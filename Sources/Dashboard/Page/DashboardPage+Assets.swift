extension DashboardPage {
    /// The page's inline style sheet.
    static let style = """
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafafa}
        header{background:#234;color:#fff;padding:.5em 1em;display:flex;gap:2em;align-items:baseline}
        header h1{font-size:1.2em;margin:0}#connection.down{color:#f88}#connection.up{color:#9e9}
        main{padding:0 1em}section{margin:1em 0}h2{font-size:1.1em;border-bottom:1px solid #ccc}
        table{border-collapse:collapse;background:#fff}td,th{padding:.25em .6em;border-bottom:1px solid #eee;text-align:right;vertical-align:top}
        td:first-child,th:first-child{text-align:left}tr.selected{background:#eef5ff}progress{width:12em}
        .danger{color:#b00}button.danger{color:#fff;background:#b00;border:0;padding:.4em 1em}
        .error{text-align:left;font-family:monospace;white-space:pre-wrap;max-width:50em}
        .chart svg{max-width:100%;height:auto;background:#fff}.km{display:inline-block;max-width:48%}
        footer{padding:1em;color:#666;font-size:.9em}
        """

    /// The inline script: Server-Sent Events from `/api/events`, then the sections redrawn from
    /// each snapshot. Without JavaScript the server-rendered page stays as it was served.
    static let script = #"""
        (function(){
        "use strict";
        var selected=document.body.getAttribute("data-selected")||"";
        function esc(s){return String(s==null?"":s).replace(/[&<>"']/g,function(c){return{"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c];});}
        function fmt(x){return (Math.round(x*10)/10).toFixed(1);}
        function dur(s){if(s==null||!isFinite(s)||s<0)return "?";s=Math.round(s);if(s>=3600)return Math.floor(s/3600)+"h"+String(Math.floor(s%3600/60)).padStart(2,"0")+"m";if(s>=60)return Math.floor(s/60)+"m"+String(s%60).padStart(2,"0")+"s";return s+"s";}
        function total(c){return c.pending+c.running+c.clustered+c.censored+c.diverged+(c.completed||0)+c.failed+c.cancelled;}
        function sweeps(snap){
          if(!snap.sweeps.length)return "<p>No sweep yet.</p>";
          var h="<table><thead><tr><th>sweep</th><th>progress</th><th>pending</th><th>running</th><th>clustered</th><th>censored</th><th>diverged</th><th>completed</th><th>failed</th><th>cancelled</th><th>jobs/s</th><th>ETA</th><th>state</th><th></th></tr></thead><tbody>";
          snap.sweeps.forEach(function(s){
            var c=s.counts,t=total(c),f=t-c.pending-c.running,p=t?f/t*100:100;
            var st=s.cancelled?"cancelled":s.ended?"ended":"running";
            var cancel=s.ended?"":'<a class="danger" href="/sweeps/'+esc(s.id)+'/cancel" data-cancel="'+esc(s.id)+'" data-name="'+esc(s.name)+'">Cancel</a>';
            h+='<tr class="'+(s.id===selected?"selected":"")+'"><td><a href="/?sweep='+esc(s.id)+'" class="sweep-name">'+esc(s.name)+'</a><br><small>'+esc(s.id.slice(0,12))+'</small></td>'+
              '<td><progress max="'+t+'" value="'+f+'"></progress> <span class="progress-text">'+f+'/'+t+' ('+p.toFixed(1)+'%)</span></td>'+
              [c.pending,c.running,c.clustered,c.censored,c.diverged,(c.completed||0),c.failed,c.cancelled].map(function(n){return "<td>"+n+"</td>";}).join("")+
              '<td>'+fmt(s.jobs_per_second)+'</td><td>'+esc(dur(s.ended?0:s.eta_seconds))+'</td><td>'+st+'</td><td>'+cancel+'</td></tr>';
          });
          return h+"</tbody></table>";
        }
        function current(snap){
          var found=null;snap.sweeps.forEach(function(s){if(s.id===selected)found=s;});
          return found||snap.sweeps[snap.sweeps.length-1]||null;
        }
        function chosen(s){
          if(!s)return "<p>No sweep selected.</p>";
          var v=s.verdicts.length?'<ul class="verdicts">'+s.verdicts.map(function(x){return "<li>"+esc(x)+"</li>";}).join("")+"</ul>":"<p>No verdict yet: waiting for results.</p>";
          var chart=s.headline_svg?'<div class="chart" id="headline">'+s.headline_svg+"</div>":'<p id="headline-empty">The headline chart appears with the first result.</p>';
          var km=(s.kaplan_meier_svg||[]).map(function(x){return '<div class="chart km">'+x+"</div>";}).join("");
          var r=["json","html","csv"].map(function(e){return '<a href="/api/sweeps/'+esc(s.id)+'/report.'+e+'">report.'+e+"</a>";}).join(" ");
          return '<h3 id="selected-name">'+esc(s.name)+"</h3><p>"+s.observed+" results in the statistics. Current report: "+r+"</p>"+v+chart+km;
        }
        function workers(snap){
          if(!snap.workers.length)return "<p>No worker connected.</p>";
          return "<table><thead><tr><th>host</th><th>pid</th><th>slots</th><th>kernels</th><th>running</th><th>completed</th><th>last seen</th></tr></thead><tbody>"+
            snap.workers.map(function(w){return "<tr><td>"+esc(w.host)+"</td><td>"+w.pid+"</td><td>"+w.slots+"</td><td>"+esc(w.kernel_family||"-")+"</td><td>"+w.running+"</td><td>"+w.completed+"</td><td>"+esc(w.last_seen)+"</td></tr>";}).join("")+"</tbody></table>";
        }
        function failures(s){
          if(!s||!s.failures.length)return "<p>No failure.</p>";
          return "<table><thead><tr><th>job</th><th>parameters</th><th>error</th><th>at</th></tr></thead><tbody>"+
            s.failures.map(function(f){return "<tr><td><code>"+esc(f.job)+"</code></td><td>"+esc(f.parameters)+'</td><td class="error">'+esc(f.error)+"</td><td>"+esc(f.at||"")+"</td></tr>";}).join("")+"</tbody></table>";
        }
        function set(id,html){var e=document.getElementById(id);if(e&&e.innerHTML!==html)e.innerHTML=html;}
        function draw(snap){
          var c=document.getElementById("connection");
          if(snap.coordinator_up&&snap.status){c.className="up";c.textContent="coordinator "+snap.coordinator+": "+snap.status.workers_alive+" workers, "+snap.status.slots_alive+" slots, "+fmt(snap.status.jobs_per_second)+" jobs/s";}
          else{c.className="down";c.textContent="coordinator "+snap.coordinator+" not answering"+(snap.problem?": "+snap.problem:"");}
          var s=current(snap);if(s&&!selected)selected=s.id;
          set("sweeps",sweeps(snap));set("selected",chosen(s));set("workers",workers(snap));set("failures",failures(s));
          document.getElementById("version").textContent=snap.version;
          var log=document.getElementById("update-log"),cs=s?s.counts:null;
          if(log&&cs){var line=snap.version+" "+(total(cs)-cs.pending-cs.running)+"/"+total(cs)+(s.headline_svg?" chart":"");
            if(log.lastLine!==line){log.lastLine=line;log.textContent+=line+"\n";}}
          document.getElementById("generated").textContent=snap.generated_at;
        }
        document.addEventListener("click",function(e){
          var a=e.target.closest?e.target.closest("[data-cancel]"):null;if(!a)return;
          e.preventDefault();
          if(!window.confirm("Cancel sweep '"+a.getAttribute("data-name")+"'? No new job starts and running jobs are aborted."))return;
          fetch("/api/sweeps/"+encodeURIComponent(a.getAttribute("data-cancel"))+"/cancel",{method:"POST"})
            .then(function(r){return r.text();}).then(function(t){window.alert(t);});
        });
        if(!window.EventSource)return;
        // ?updates=N closes the stream after N snapshots (scripted checks, e.g. headless browsers).
        var limit=parseInt(new URLSearchParams(window.location.search).get("updates")||"0",10),seen=0;
        var source=new EventSource("/api/events?sweep="+encodeURIComponent(selected));
        source.addEventListener("snapshot",function(e){
          try{draw(JSON.parse(e.data));}catch(err){}
          seen+=1;if(limit>0&&seen>=limit){source.close();document.body.setAttribute("data-followed",String(seen));}
        });
        source.onerror=function(){var c=document.getElementById("connection");c.className="down";c.textContent="dashboard connection lost; retrying";};
        })();
        """#
}
