using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>Counts the requests for <c>/ws</c> that reach ASP.NET Core's pipeline.</summary>
public sealed class WsRequests : IStartupFilter
{
    private int _seen;

    public int Seen => Volatile.Read(ref _seen);

    public void Count(WebApplicationBuilder builder) => builder.Services.AddSingleton<IStartupFilter>(this);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, after) =>
        {
            if (context.Request.Path == "/ws")
            {
                Interlocked.Increment(ref _seen);
            }

            return after(context);
        });
        next(app);
    };
}
