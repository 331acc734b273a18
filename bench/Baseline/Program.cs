using OrleansChat.Baseline.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddBaselineChat();

var app = builder.Build();
app.MapBaselineChat();
await app.RunAsync();
