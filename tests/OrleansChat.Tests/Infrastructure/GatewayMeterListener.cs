using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A <see cref="MeterListener"/> on one gateway's instruments only: a meter made through a host's
/// <see cref="IMeterFactory"/> has that factory as its scope, so the other gateways in the test process
/// (and their meters of the same names) are left out.
/// </summary>
public static class GatewayMeterListener
{
    /// <summary>Starts listening to the instruments of <paramref name="gateway"/> that <paramref name="include"/> picks.</summary>
    public static MeterListener Start(GatewayHost gateway, Func<Instrument, bool> include, MeasurementCallback<long> onLong, MeasurementCallback<double> onDouble)
    {
        var factory = gateway.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && include(instrument))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback(onLong);
        listener.SetMeasurementEventCallback(onDouble);
        listener.Start();
        return listener;
    }
}
